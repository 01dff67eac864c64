// Public entry: @firstmilelabs/cases/webhooks (filled in by its issue).
export {};
