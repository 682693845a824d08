import { bearerToken, createTokenChecker } from './tokens';

describe('bearer tokens', () => {
  const check = createTokenChecker(['first-secret', 'second-secret', '']);

  it.each([
    ['first-secret', true],
    ['second-secret', true],
    ['first-secreT', false],
    ['first-secret ', false],
    ['first', false],
    ['', false],
    ['x'.repeat(10_000), false],
  ])('%j → %s', (presented, expected) => {
    expect(check(presented)).toBe(expected);
  });

  it('accepts nothing when no token is configured', () => {
    expect(createTokenChecker([])('anything')).toBe(false);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer  abc ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
