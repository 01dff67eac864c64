/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * Generated from openapi.yaml by scripts/generate.mjs: what the client checks at run time, per
 * operation ("METHOD /path/{param}"): the OAuth scopes its `security` names (for
 * InsufficientScopeError) and, per 2xx status, the shape its JSON body must have — only what the
 * spec *requires* (required properties and their types, recursively; `anyOf` reduced to its
 * weakest branch when one branch is implied by all others), so an unknown field or value never fails.
 */

/** What a body must hold; see the file header. */
export interface ResponseShape {
  readonly type?: readonly string[];
  readonly minLength?: number;
  readonly required?: Readonly<Record<string, ResponseShape>>;
  readonly items?: ResponseShape;
  readonly anyOf?: readonly ResponseShape[];
}

/** One operation's run-time facts. */
export interface OperationFacts {
  /** "METHOD /path/{param}", as in openapi.yaml. */
  readonly operation: string;
  readonly operationId: string;
  /** The OAuth scopes the operation's `security` names. */
  readonly scopes: readonly string[];
  /** Per 2xx status, the shape of the JSON body. */
  readonly responses: Readonly<Record<string, ResponseShape>>;
}

/** The shape of `Case`, which several bodies hold. */
const caseShape: ResponseShape = {
  "type": [
    "object"
  ],
  "required": {
    "caseId": {
      "type": [
        "string"
      ],
      "minLength": 1
    },
    "status": {
      "type": [
        "string"
      ]
    }
  }
};

/** `GET /v1/cases` */
export const listCases: OperationFacts = {
  "operation": "GET /v1/cases",
  "operationId": "listCases",
  "scopes": [
    "read:cases"
  ],
  "responses": {
    "200": {
      "type": [
        "object"
      ],
      "required": {
        "data": {
          "type": [
            "array"
          ],
          "items": caseShape
        },
        "nextCursor": {
          "type": [
            "string",
            "null"
          ]
        },
        "hasMore": {
          "type": [
            "boolean"
          ]
        }
      }
    }
  }
};

/** `GET /v1/cases/{caseId}` */
export const getCase: OperationFacts = {
  "operation": "GET /v1/cases/{caseId}",
  "operationId": "getCase",
  "scopes": [
    "read:cases"
  ],
  "responses": {
    "200": caseShape
  }
};

/** `GET /v1/events` */
export const listEvents: OperationFacts = {
  "operation": "GET /v1/events",
  "operationId": "listEvents",
  "scopes": [
    "read:events"
  ],
  "responses": {
    "200": {
      "type": [
        "object"
      ],
      "required": {
        "data": {
          "type": [
            "array"
          ],
          "items": {
            "type": [
              "object"
            ],
            "required": {
              "event": {
                "type": [
                  "string"
                ]
              },
              "eventId": {
                "type": [
                  "string"
                ]
              },
              "eventVersion": {
                "type": [
                  "integer"
                ]
              },
              "timestamp": {
                "type": [
                  "string"
                ]
              },
              "orgId": {
                "type": [
                  "string"
                ]
              },
              "caseId": {
                "type": [
                  "string"
                ]
              }
            }
          }
        },
        "nextCursor": {
          "type": [
            "string",
            "null"
          ]
        },
        "hasMore": {
          "type": [
            "boolean"
          ]
        }
      }
    }
  }
};

/** `POST /api/cases/{caseId}/crm-record-id` */
export const setCaseCrmRecordId: OperationFacts = {
  "operation": "POST /api/cases/{caseId}/crm-record-id",
  "operationId": "setCaseCrmRecordId",
  "scopes": [
    "cases:write"
  ],
  "responses": {
    "200": caseShape
  }
};

/** `POST /v1/cases` */
export const createCase: OperationFacts = {
  "operation": "POST /v1/cases",
  "operationId": "createCase",
  "scopes": [
    "cases:write"
  ],
  "responses": {
    "200": caseShape,
    "201": caseShape
  }
};

/** `POST /v1/cases/{caseId}/screening/disposition` */
export const recordScreeningDisposition: OperationFacts = {
  "operation": "POST /v1/cases/{caseId}/screening/disposition",
  "operationId": "recordScreeningDisposition",
  "scopes": [
    "cases:write"
  ],
  "responses": {
    "200": {
      "type": [
        "object"
      ],
      "required": {
        "caseId": {
          "type": [
            "string"
          ]
        },
        "hitId": {
          "type": [
            "string"
          ]
        },
        "disposition": {
          "type": [
            "string"
          ]
        }
      }
    }
  }
};

/** `POST /v1/oauth/token` */
export const createToken: OperationFacts = {
  "operation": "POST /v1/oauth/token",
  "operationId": "createToken",
  "scopes": [],
  "responses": {
    "200": {
      "type": [
        "object"
      ],
      "required": {
        "access_token": {
          "type": [
            "string"
          ]
        },
        "token_type": {
          "type": [
            "string"
          ]
        },
        "expires_in": {
          "type": [
            "integer"
          ]
        }
      }
    }
  }
};

/** Every operation in openapi.yaml, keyed "METHOD /path/{param}". */
export const operations: Readonly<Record<string, OperationFacts>> = {
  "GET /v1/cases": listCases,
  "GET /v1/cases/{caseId}": getCase,
  "GET /v1/events": listEvents,
  "POST /api/cases/{caseId}/crm-record-id": setCaseCrmRecordId,
  "POST /v1/cases": createCase,
  "POST /v1/cases/{caseId}/screening/disposition": recordScreeningDisposition,
  "POST /v1/oauth/token": createToken,
};
