/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * Generated from openapi.yaml by scripts/generate.mjs: every request, response and webhook example in
 * the spec, each checked at compile time against its schema's generated type (`satisfies`). The
 * `@firstmilelabs/cases/fixtures` entry builds its sample events and answers from these.
 */

import type { components } from './openapi';

type Schemas = components['schemas'];

/** Per webhook event, its examples by name (the first is the event's main sample). */
export const webhookExamples = {
  "ai_review.completed": {
    "refer": { summary: "The AI review recommends referring the case", value: {
        "event": "ai_review.completed",
        "eventId": "6c2e9a4f-3d7b-4f1e-8a6c-2b9d5e1f7a34",
        "eventVersion": 1,
        "timestamp": "2026-05-15T14:33:50.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "reviewId": 4711,
        "recommendation": "Refer",
        "confidence": "Medium",
        "riskFactorCount": 2,
        "riskFactors": [
          {
            "text": "A beneficial owner is a politically exposed person",
            "severity": "HIGH"
          },
          {
            "text": "Registered address is a virtual office",
            "severity": "LOW"
          }
        ],
        "completedAt": "2026-05-15T14:33:49.000Z",
        "triggeredBy": "system:form-submission:jane.doe@acme.example"
      } satisfies Schemas["AiReviewCompletedEvent"] },
  },
  "case.created": {
    "api": { summary: "A case made through the API by the HubSpot recipe", value: {
        "event": "case.created",
        "eventId": "0d6c8a52-1f3e-4b7a-8c9d-2e4f6a8b0c1d",
        "eventVersion": 1,
        "timestamp": "2026-05-15T09:14:11.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "source": "api",
        "companyNumber": null,
        "country": "United Kingdom",
        "customerEmail": "jane.doe@acme.example"
      } satisfies Schemas["CaseCreatedEvent"] },
    "manual": { summary: "A case an analyst made by hand (no CRM record yet)", value: {
        "event": "case.created",
        "eventId": "6e2b9d47-0a8c-4f15-b3d2-7c9e1a5f8b04",
        "eventVersion": 1,
        "timestamp": "2026-05-14T16:40:03.500Z",
        "orgId": "org_acme_bank",
        "caseId": "5b7e2f0a-3c1d-4e8b-9a6f-0d2c4b8e1f37",
        "crmRecordId": null,
        "crmSource": null,
        "companyName": "Globex Corporation",
        "source": "manual",
        "companyNumber": "4457120",
        "country": "US-DE",
        "customerEmail": "ops@globex.example",
        "createdBy": "analyst@acme-bank.example"
      } satisfies Schemas["CaseCreatedEvent"] },
    "docUpload": { summary: "A case made from uploaded documents", value: {
        "event": "case.created",
        "eventId": "4a1e7c3b-8d2f-4b6a-9e5c-0f3d7a1b9c25",
        "eventVersion": 1,
        "timestamp": "2026-05-13T08:05:19.000Z",
        "orgId": "org_acme_bank",
        "caseId": "CS-2026-00471",
        "crmRecordId": null,
        "crmSource": null,
        "companyName": "Initech SARL",
        "source": "doc_upload",
        "companyNumber": "B 123.456",
        "country": "LU",
        "customerEmail": null
      } satisfies Schemas["CaseCreatedEvent"] },
  },
  "case.data_package.delivered": {
    "approved": { summary: "The decision-time data package (special-category personal data; never log it)", value: {
        "event": "case.data_package.delivered",
        "eventId": "9d4b7e1a-2c6f-4a8d-b3e9-5f1c7a0d2e86",
        "eventVersion": 1,
        "timestamp": "2026-05-16T10:02:05.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "decidedAt": "2026-05-16T10:02:00.000Z",
        "outcome": {
          "decision": "approved",
          "decidedBy": "senior.analyst@acme-bank.example"
        },
        "fullParity": {
          "company": {
            "name": "Acme Holdings Ltd",
            "number": "01234567",
            "country": "United Kingdom"
          },
          "people": [
            {
              "name": "Jane Doe",
              "role": "director",
              "dateOfBirth": "1980-02-29",
              "nationality": "GB",
              "idVerification": "passed"
            },
            {
              "name": "John Roe",
              "role": "ubo",
              "dateOfBirth": "1975-07-14",
              "nationality": "IE",
              "pep": true,
              "idVerification": "passed"
            }
          ],
          "documents": [
            {
              "type": "certificate_of_incorporation",
              "fileName": "acme-incorporation.pdf"
            }
          ]
        }
      } satisfies Schemas["CaseDataPackageDeliveredEvent"] },
  },
  "case.decision.made": {
    "approved": { summary: "The case was approved", value: {
        "event": "case.decision.made",
        "eventId": "7f3a9c2e-5d1b-4e8a-9b6c-0e2d4f6a8c13",
        "eventVersion": 1,
        "timestamp": "2026-05-16T10:02:01.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "status": "approved",
        "decision": "approve",
        "decidedAt": "2026-05-16T10:02:00.000Z"
      } satisfies Schemas["CaseDecisionMadeEvent"] },
  },
  "case.onboarding_progress.changed": {
    "collectingDocuments": { summary: "Collecting documents; one director verified, one UBO still to go", value: {
        "event": "case.onboarding_progress.changed",
        "eventId": "2b6f8d1a-9c4e-4a7b-8d3f-6e1a2c5b9d48",
        "eventVersion": 1,
        "timestamp": "2026-05-15T11:20:09.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "stage": "collecting_documents",
        "stageLabel": "Collecting documents",
        "roster": [
          {
            "displayName": "Jane Doe",
            "role": "director",
            "status": "verified"
          },
          {
            "displayName": "John Roe",
            "role": "ubo",
            "status": "pending"
          }
        ],
        "summary": {
          "people": 2,
          "verified": 1,
          "documentsOutstanding": 2
        }
      } satisfies Schemas["CaseOnboardingProgressChangedEvent"] },
  },
  "case.status.changed": {
    "approved": { summary: "A case approved", value: {
        "event": "case.status.changed",
        "eventId": "3f1c2a9e-4b7d-4e21-9a0c-6d5e8f7a1b2c",
        "eventVersion": 1,
        "timestamp": "2026-05-16T10:02:00.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "status": "approved",
        "previousStatus": "in-progress",
        "recommendation": "approve"
      } satisfies Schemas["CaseStatusChangedEvent"] },
    "returned": { summary: "A case returned to the customer for more information", value: {
        "event": "case.status.changed",
        "eventId": "4c8e2a61-7d3b-4f9e-8a1c-5b2d9e6f3a07",
        "eventVersion": 1,
        "timestamp": "2026-05-15T16:05:44.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "status": "returned",
        "previousStatus": "in-progress",
        "changedBy": "analyst@acme-bank.example"
      } satisfies Schemas["CaseStatusChangedEvent"] },
  },
  "case.submitted": {
    "submitted": { summary: "The customer submitted their application", value: {
        "event": "case.submitted",
        "eventId": "9a4d1c6e-2b8f-4e3a-a7c5-1d9f3b6e8a20",
        "eventVersion": 1,
        "timestamp": "2026-05-15T14:31:27.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd"
      } satisfies Schemas["CaseSubmittedEvent"] },
  },
  "data.corrected": {
    "customerReview": { summary: "The customer corrected two fields when reviewing their application", value: {
        "event": "data.corrected",
        "eventId": "2e7a1d5c-8b3f-4c9a-9d6e-1f4b8c2a7e53",
        "eventVersion": 1,
        "timestamp": "2026-05-15T14:30:58.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "source": "customer_review",
        "amendmentCount": 2,
        "amendments": [
          {
            "section": "company",
            "field": "registeredAddress.postcode",
            "originalValue": "EC1A 1BB",
            "correctedValue": "EC1A 1BA"
          },
          {
            "section": "people",
            "field": "jane-doe.shareholdingPercent",
            "originalValue": 25,
            "correctedValue": 30
          }
        ]
      } satisfies Schemas["DataCorrectedEvent"] },
    "analystOverride": { summary: "An analyst overrode a document's status", value: {
        "event": "data.corrected",
        "eventId": "7b3e9f2a-4c1d-4a6e-8f2b-6d9a3c1e5b70",
        "eventVersion": 1,
        "timestamp": "2026-05-15T15:02:11.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "source": "analyst_override",
        "documentId": 90211,
        "field": "document_status",
        "originalValue": "error",
        "correctedValue": "verified"
      } satisfies Schemas["DataCorrectedEvent"] },
  },
  "screening.completed": {
    "onePep": { summary: "Onboarding screening of the company and two people (one PEP)", value: {
        "event": "screening.completed",
        "eventId": "5d9b3e7f-1a6c-4d2e-b8f4-3c7a0e9d1b56",
        "eventVersion": 1,
        "timestamp": "2026-05-15T11:42:18.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "screened": 3,
        "summary": [
          {
            "name": "Acme Holdings Ltd",
            "role": null,
            "status": "clear"
          },
          {
            "name": "Jane Doe",
            "role": "director",
            "status": "clear"
          },
          {
            "name": "John Roe",
            "role": "ubo",
            "status": "pep"
          }
        ]
      } satisfies Schemas["ScreeningCompletedEvent"] },
  },
  "screening.hit.detected": {
    "onboarding": { summary: "A PEP hit found by onboarding screening", value: {
        "event": "screening.hit.detected",
        "eventId": "8e1c5a3d-6b9f-4c2a-9e7d-4a0b8c2e6f91",
        "eventVersion": 1,
        "timestamp": "2026-05-15T11:42:17.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "hitId": "ca:john-roe-1",
        "source": "onboarding",
        "subjectId": "subj_3b91",
        "subjectName": "John Roe"
      } satisfies Schemas["ScreeningHitDetectedEvent"] },
    "monitoring": { summary: "A sanctions hit found later by ongoing monitoring", value: {
        "event": "screening.hit.detected",
        "eventId": "1f7d3b9e-4a2c-4e6b-8c1f-9d5a3e7b0c62",
        "eventVersion": 1,
        "timestamp": "2026-09-02T03:15:00.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "hitId": "N7KQ2XH4PL",
        "source": "monitoring",
        "subjectId": null,
        "subjectName": "Acme Holdings Ltd"
      } satisfies Schemas["ScreeningHitDetectedEvent"] },
  },
  "screening.hit.triaged": {
    "aiTriage": { summary: "FML's AI triaged a hit (fields beyond the common ones are not published)", value: {
        "event": "screening.hit.triaged",
        "eventId": "3a8f6c2d-9e1b-4d7a-a5c3-8b2e0f4d6a19",
        "eventVersion": 1,
        "timestamp": "2026-05-15T11:43:02.000Z",
        "orgId": "org_acme_bank",
        "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "companyName": "Acme Holdings Ltd",
        "hitId": "ca:john-roe-1",
        "disposition": "true_match"
      } satisfies Schemas["ScreeningHitTriagedEvent"] },
  },
};

/**
 * Per operation (by operationId), its JSON request body examples by name (the fixtures entry's
 * `sampleRequests`): `createCase.hubspot.value` is the HubSpot recipe's create body.
 */
export const requestExamples = {
  createToken: {
    "clientCredentials": { summary: "Client credentials", value: {
        "grant_type": "client_credentials",
        "client_id": "pk_live_example",
        "client_secret": "sk_live_example"
      } satisfies Schemas["TokenRequest"] },
  },
  createCase: {
    "hubspot": { summary: "The HubSpot recipe's request", value: {
        "customerEmail": "jane.doe@acme.example",
        "customerName": "Jane Doe",
        "companyName": "Acme Holdings Ltd",
        "country": "United Kingdom",
        "crmRecordId": "12345678901",
        "crmSource": "hubspot",
        "sendInvite": true
      } satisfies Schemas["CreateCaseRequest"] },
  },
  recordScreeningDisposition: {
    "falsePositive": { value: {
        "hitId": "ca:jane-doe-1",
        "disposition": "false_positive",
        "note": "Different date of birth."
      } satisfies Schemas["ScreeningDispositionRequest"] },
  },
  setCaseCrmRecordId: {
    "hubspot": { value: {
        "crmRecordId": "12345678901",
        "crmSource": "hubspot"
      } satisfies Schemas["SetCrmRecordIdRequest"] },
  },
};

/**
 * Per operation (by operationId) and status, its JSON response body examples by name (the fixtures
 * entry's `sampleAnswers`, frozen): `createCase['201'].created.value` is a `Case`,
 * `getCase['404'].notFound.value` FML's error body. For nock or msw stubs of FML.
 */
export const responseExamples = {
  createToken: {
    "200": {
      "token": { value: {
          "access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwa19saXZlX2V4YW1wbGUifQ.c2lnbmF0dXJl",
          "token_type": "Bearer",
          "expires_in": 3600,
          "scope": "read:cases cases:write"
        } satisfies Schemas["TokenResponse"] },
    },
    "400": {
      "unsupportedGrant": { value: {
          "error": "unsupported_grant_type",
          "error_description": "grant_type must be client_credentials"
        } satisfies Schemas["OAuthError"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["OAuthError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
  listCases: {
    "200": {
      "firstPage": { summary: "A first page of cases, with more to come", value: {
          "data": [
            {
              "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
              "customerEmail": "jane.doe@acme.example",
              "customerName": "Jane Doe",
              "companyName": "Acme Holdings Ltd",
              "country": "United Kingdom",
              "entityType": null,
              "crmRecordId": "12345678901",
              "crmSource": "hubspot",
              "source": "api",
              "status": "approved",
              "inviteSentAt": "2026-05-15T09:14:11.421Z",
              "customerPortalUrl": "https://app.firstmilelabs.com/",
              "analystUrl": "https://cases.firstmilelabs.com/?case=8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
              "createdAt": "2026-05-15T09:14:10.902Z",
              "updatedAt": "2026-05-16T10:02:00.000Z"
            }
          ],
          "nextCursor": "eyJhZnRlciI6IjhhMGU4ZDljIn0",
          "hasMore": true
        } satisfies Schemas["CaseList"] },
    },
    "400": {
      "limitOutOfRange": { value: {
          "error": "validation_error",
          "message": "limit must be between 1 and 200",
          "fields": [
            {
              "field": "limit",
              "message": "must be an integer from 1 to 200"
            }
          ]
        } satisfies Schemas["ApiError"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["ApiError"] },
    },
    "403": {
      "insufficientScope": { value: {
          "error": "insufficient_scope"
        } satisfies Schemas["ApiError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
  createCase: {
    "200": {
      "crmRecordReplay": { summary: "The HubSpot recipe's 201 answer", value: {
          "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
          "customerEmail": "jane.doe@acme.example",
          "customerName": "Jane Doe",
          "companyName": "Acme Holdings Ltd",
          "country": "United Kingdom",
          "entityType": null,
          "crmRecordId": "12345678901",
          "crmSource": "hubspot",
          "source": "api",
          "status": "in-progress",
          "inviteSentAt": "2026-05-15T09:14:11.421Z",
          "customerPortalUrl": "https://app.firstmilelabs.com/",
          "analystUrl": "https://cases.firstmilelabs.com/?case=8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c"
        } satisfies Schemas["Case"] },
    },
    "201": {
      "created": { summary: "The HubSpot recipe's 201 answer", value: {
          "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
          "customerEmail": "jane.doe@acme.example",
          "customerName": "Jane Doe",
          "companyName": "Acme Holdings Ltd",
          "country": "United Kingdom",
          "entityType": null,
          "crmRecordId": "12345678901",
          "crmSource": "hubspot",
          "source": "api",
          "status": "in-progress",
          "inviteSentAt": "2026-05-15T09:14:11.421Z",
          "customerPortalUrl": "https://app.firstmilelabs.com/",
          "analystUrl": "https://cases.firstmilelabs.com/?case=8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c"
        } satisfies Schemas["Case"] },
    },
    "400": {
      "missingEmail": { value: {
          "error": "validation_error",
          "message": "customerEmail is required",
          "fields": [
            {
              "field": "customerEmail",
              "message": "must be a valid email address"
            }
          ]
        } satisfies Schemas["ApiError"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["ApiError"] },
    },
    "403": {
      "insufficientScope": { value: {
          "error": "insufficient_scope"
        } satisfies Schemas["ApiError"] },
    },
    "409": {
      "conflict": { value: {
          "error": "idempotency_key_conflict"
        } satisfies Schemas["ApiError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
  getCase: {
    "200": {
      "inProgress": { summary: "The HubSpot recipe's 201 answer", value: {
          "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
          "customerEmail": "jane.doe@acme.example",
          "customerName": "Jane Doe",
          "companyName": "Acme Holdings Ltd",
          "country": "United Kingdom",
          "entityType": null,
          "crmRecordId": "12345678901",
          "crmSource": "hubspot",
          "source": "api",
          "status": "in-progress",
          "inviteSentAt": "2026-05-15T09:14:11.421Z",
          "customerPortalUrl": "https://app.firstmilelabs.com/",
          "analystUrl": "https://cases.firstmilelabs.com/?case=8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c"
        } satisfies Schemas["Case"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["ApiError"] },
    },
    "403": {
      "insufficientScope": { value: {
          "error": "insufficient_scope"
        } satisfies Schemas["ApiError"] },
    },
    "404": {
      "notFound": { value: {
          "error": "not_found",
          "message": "No case 8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c."
        } satisfies Schemas["ApiError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
  listEvents: {
    "200": {
      "lastPage": { summary: "A page of the event feed (oldest first), the last one", value: {
          "data": [
            {
              "event": "case.created",
              "eventId": "0d6c8a52-1f3e-4b7a-8c9d-2e4f6a8b0c1d",
              "eventVersion": 1,
              "timestamp": "2026-05-15T09:14:11.000Z",
              "orgId": "org_acme_bank",
              "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
              "crmRecordId": "12345678901",
              "crmSource": "hubspot",
              "companyName": "Acme Holdings Ltd",
              "source": "api",
              "country": "United Kingdom",
              "customerEmail": "jane.doe@acme.example"
            },
            {
              "event": "case.status.changed",
              "eventId": "3f1c2a9e-4b7d-4e21-9a0c-6d5e8f7a1b2c",
              "eventVersion": 1,
              "timestamp": "2026-05-16T10:02:00.000Z",
              "orgId": "org_acme_bank",
              "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
              "crmRecordId": "12345678901",
              "crmSource": "hubspot",
              "companyName": "Acme Holdings Ltd",
              "status": "approved",
              "previousStatus": "in-progress",
              "recommendation": "approve"
            }
          ],
          "nextCursor": null,
          "hasMore": false
        } satisfies Schemas["EventList"] },
    },
    "400": {
      "limitOutOfRange": { value: {
          "error": "validation_error",
          "message": "limit must be between 1 and 200",
          "fields": [
            {
              "field": "limit",
              "message": "must be an integer from 1 to 200"
            }
          ]
        } satisfies Schemas["ApiError"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["ApiError"] },
    },
    "403": {
      "insufficientScope": { value: {
          "error": "insufficient_scope"
        } satisfies Schemas["ApiError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
  recordScreeningDisposition: {
    "200": {
      "recorded": { summary: "The disposition as recorded", value: {
          "caseId": "8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c",
          "hitId": "ca:jane-doe-1",
          "disposition": "false_positive",
          "note": "Different date of birth.",
          "recordedAt": "2026-05-15T11:05:42.310Z"
        } satisfies Schemas["ScreeningDisposition"] },
    },
    "400": {
      "missingField": { value: {
          "error": "validation_error",
          "message": "crmRecordId is required",
          "fields": [
            {
              "field": "crmRecordId",
              "message": "is required"
            }
          ]
        } satisfies Schemas["ApiError"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["ApiError"] },
    },
    "403": {
      "insufficientScope": { value: {
          "error": "insufficient_scope"
        } satisfies Schemas["ApiError"] },
    },
    "404": {
      "notFound": { value: {
          "error": "not_found",
          "message": "No case 8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c."
        } satisfies Schemas["ApiError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
  setCaseCrmRecordId: {
    "200": {
      "linked": { summary: "A manually made case, now linked to its HubSpot Company", value: {
          "caseId": "5b7e2f0a-3c1d-4e8b-9a6f-0d2c4b8e1f37",
          "customerEmail": "ops@globex.example",
          "customerName": "Hank Scorpio",
          "companyName": "Globex Corporation",
          "country": "United States",
          "entityType": "company",
          "crmRecordId": "20483917265",
          "crmSource": "hubspot",
          "source": "manual",
          "status": "in-progress",
          "inviteSentAt": null,
          "customerPortalUrl": "https://app.firstmilelabs.com/",
          "analystUrl": "https://cases.firstmilelabs.com/?case=5b7e2f0a-3c1d-4e8b-9a6f-0d2c4b8e1f37",
          "companyNumber": "4457120",
          "createdAt": "2026-05-14T16:40:03.118Z",
          "updatedAt": "2026-05-15T09:30:12.004Z"
        } satisfies Schemas["Case"] },
    },
    "400": {
      "missingField": { value: {
          "error": "validation_error",
          "message": "crmRecordId is required",
          "fields": [
            {
              "field": "crmRecordId",
              "message": "is required"
            }
          ]
        } satisfies Schemas["ApiError"] },
    },
    "401": {
      "invalidClient": { value: {
          "error": "invalid_client"
        } satisfies Schemas["ApiError"] },
    },
    "403": {
      "insufficientScope": { value: {
          "error": "insufficient_scope"
        } satisfies Schemas["ApiError"] },
    },
    "404": {
      "notFound": { value: {
          "error": "not_found",
          "message": "No case 8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c."
        } satisfies Schemas["ApiError"] },
    },
    "409": {
      "taken": { value: {
          "error": "conflict",
          "message": "Another case already has this crmRecordId."
        } satisfies Schemas["ApiError"] },
    },
    "429": {
      "rateLimited": { value: {
          "error": "rate_limited",
          "message": "Too many requests; retry after 30 seconds."
        } satisfies Schemas["ApiError"] },
    },
    "default": {
      "unavailable": { value: {
          "error": "server_error",
          "message": "The service is temporarily unavailable."
        } satisfies Schemas["ApiError"] },
    },
  },
};
