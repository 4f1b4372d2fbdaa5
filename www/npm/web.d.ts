// Native ES modules: `boot` fetches and compiles the wasm itself; call the default export first
// only to say where the wasm is.
export * from './index';

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads the wasm, once; by default `web/widget_bg.wasm` in the package. */
export default function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<unknown>;
