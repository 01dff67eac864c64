export { nodeBinary } from '../../../scripts/node-binary.mjs';
