// class-transformer ships no declaration for the file of its CommonJS build that holds the
// decorators' metadata; `door/instantiate.ts` reads it to skip `plainToInstance` for plain DTOs.
declare module 'class-transformer/cjs/storage.js' {
  export const defaultMetadataStorage: unknown;
}
