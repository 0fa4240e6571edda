// node-diff3 publishes its types only through package.json "exports", which the project's
// `moduleResolution: node` does not read; point TypeScript at them directly.
declare module 'node-diff3' {
  export * from 'node-diff3/src/diff3';
}
