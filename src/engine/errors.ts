/** Input the engine cannot score; the message says what was wrong and how to fix it. */
export class EngineInputError extends Error {
  override readonly name = 'EngineInputError';
}
