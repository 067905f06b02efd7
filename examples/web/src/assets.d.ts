// Vite turns `import url from './x.wasm?url'` into the URL of the emitted file.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
