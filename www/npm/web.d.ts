// Native ES modules: call the default export once (it fetches and compiles the wasm), then boot.
export * from './index';

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads the wasm; by default `widget_bg.wasm` next to `widget.js`. */
export default function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<unknown>;
