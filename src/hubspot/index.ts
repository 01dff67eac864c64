// Public entry: @firstmilelabs/cases/hubspot (filled in by its issue).
export {};
