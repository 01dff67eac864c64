// The runtime suite as a Worker: POST / with a SuiteConfig runs it; POST /bench?engine=&n= runs the
// verify bench (timed by the harness, since workerd's clock stands still while code runs).
import { benchEngines, benchVerify, hasNodeCrypto, runSuite } from '../suite.mjs';

const json = (value) => new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const config = await request.json();
    if (url.pathname === '/bench')
      return json(await benchVerify(config, url.searchParams.get('engine'), Number(url.searchParams.get('n'))));
    return json({ nodeCrypto: hasNodeCrypto(), engines: benchEngines(), results: await runSuite(config) });
  },
};
