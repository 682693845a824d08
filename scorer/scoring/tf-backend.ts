// The engine's index does not export its TensorFlow.js initialiser yet, and a stored LSTM model can
// only be loaded once the backend is up (its `load` is synchronous). Until it does, reach in here,
// in one place.
export { ensureTfBackend } from '../../src/engine/detectors/lstm/backend';
