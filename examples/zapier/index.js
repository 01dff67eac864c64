'use strict';
// A Zapier Platform CLI app for First Mile Labs' Public Cases API. Deploy with `zapier push` from this
// folder (after `npm install`); see README.md. Tested against the SDK's sandbox by the repository's
// `npm test` (test/connectors/zapier.test.ts).
const { version: platformVersion } = require('zapier-platform-core');
const { version } = require('./package.json');
const { authentication } = require('./authentication');
const { addBearer, handleErrors } = require('./middleware');
const { create: startCase } = require('./creates/start-case');
const { search: findCase } = require('./searches/find-case');
const { trigger: newEvent } = require('./triggers/new-event');

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addBearer],
  afterResponse: [handleErrors],
  triggers: { [newEvent.key]: newEvent },
  creates: { [startCase.key]: startCase },
  searches: { [findCase.key]: findCase },
};
