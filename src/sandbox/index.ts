// Public entry: @firstmilelabs/cases/sandbox (filled in by its issue).
export {};
