/** The LSTM forecaster detector. Its fit initialises TensorFlow.js; call ensureTfBackend before load. */
export { ensureTfBackend, readyTfBackend, type TfBackendName } from './backend';
export { LstmDetector } from './lstm-detector';
export { type LstmOptions, lstmOptionsSchema } from './options';
export { LSTM_STATE_VERSION, type LstmParams } from './state';
export { FitAbortedError } from './train';
