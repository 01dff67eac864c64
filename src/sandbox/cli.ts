#!/usr/bin/env node
// fml-sandbox CLI (filled in by the sandbox issue).
export {};
