// The names of the secrets the Custom Code action reads (HubSpot passes ticked secrets as environment
// variables). Messages name them, so an admin knows which secret to fix.

export const SECRET_CLIENT_ID = 'FML_CLIENT_ID';
export const SECRET_CLIENT_SECRET = 'FML_CLIENT_SECRET';
export const SECRET_BASE_URL = 'FML_BASE_URL';
export const SECRET_REDIS_URL = 'REDIS_URL';
