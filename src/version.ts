/** The SDK's version, sent in `User-Agent` and printed in the HubSpot bundle's header. Kept in step with package.json by a test. */
export const VERSION = '0.1.0';
