import { LruMap } from './lru-map';

describe('LruMap', () => {
  it('drops the least recently used entry past its capacity, and says which', () => {
    const dropped: string[] = [];
    const map = new LruMap<string, number>(2, (value, key) => dropped.push(`${key}=${value}`));
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now newer than b
    map.set('c', 3);
    expect(dropped).toEqual(['b=2']);
    expect([...map.keys()]).toEqual(['a', 'c']);
    expect(map.size).toBe(2);
  });

  it('peek leaves the order alone; set on a key refreshes it; delete removes it', () => {
    const dropped: string[] = [];
    const map = new LruMap<string, number>(2, (_, key) => dropped.push(key));
    map.set('a', 1);
    map.set('b', 2);
    expect(map.peek('a')).toBe(1);
    map.set('c', 3);
    expect(dropped).toEqual(['a']);
    map.set('b', 20);
    map.set('d', 4);
    expect(dropped).toEqual(['a', 'c']);
    expect(map.get('b')).toBe(20);
    map.delete('b');
    expect(map.get('b')).toBeUndefined();
    expect([...map.keys()]).toEqual(['d']);
  });
});
