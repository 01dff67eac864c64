/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * Generated from openapi.yaml by scripts/generate.mjs (openapi-typescript).
 * To change these types, edit openapi.yaml and run `npm run generate`;
 * `npm run check:generated` fails when this file is out of date.
 */

/** Every path of the spec with its operations: the type parameter of openapi-fetch's `createClient<paths>`. */
export interface paths {
    "/v1/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint an access token (OAuth2 client credentials)
         * @description Exchanges the client id and secret (created in the FML console under Compliance
         *     Configuration → Public Pull API → New client; the secret is shown once) for a bearer token.
         *     No bearer is needed. The body may be JSON or form-encoded. Tokens are honoured until they
         *     expire unless the client is revoked. Rate limit: 30 requests per minute per client.
         *
         *     **Client authentication** (RFC 6749 §2.3.1), either way:
         *     - `client_secret_post` (documented by FML): `client_id` and `client_secret` in the body;
         *     - `client_secret_basic`: `Authorization: Basic base64(client_id:client_secret)` and only
         *       `grant_type` in the body (Postman's and many OAuth libraries' default). FML does not
         *       document Basic (`x-fml-inferred`); the SDK sends the body form, and the sandbox accepts both.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List cases
         * @description Lists the tenant's cases, one page at a time. Pass `nextCursor` back as `cursor` (verbatim)
         *     while `hasMore` is true. Needs scope `read:cases`.
         */
        get: operations["listCases"];
        put?: never;
        /**
         * Create a case and send the customer their invite
         * @description Creates an onboarding case and, when `sendInvite` is true, emails the customer a
         *     tenant-branded magic link to the customer portal. Needs scope `cases:write`.
         *
         *     Never creates a duplicate, in two independent, tenant-scoped ways:
         *     - **`Idempotency-Key`**: a replay of an earlier key returns the original status and body
         *       verbatim, with `Idempotent-Replay: true`.
         *     - **`crmRecordId`**: when a case already exists for this tenant and `crmRecordId`, the answer
         *       is `200 OK` with `Idempotent-Replay: crm-record-id` and the existing case as the body.
         *
         *     Cases made with `crmSource: hubspot` show an "API · HubSpot" badge to analysts.
         */
        post: operations["createCase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cases/{caseId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one case
         * @description Reads one case. The path is inferred from the documented pattern (`x-fml-inferred`).
         *     Unknown ids and other tenants' ids both get a plain 404. Needs scope `read:cases`.
         */
        get: operations["getCase"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List events (the unified event feed)
         * @description Pages through the tenant's events, oldest first. Items are the same objects as the
         *     webhook payloads; event names the SDK does not know yet still arrive, with the common
         *     fields. The path and query are inferred from the documented pattern (`x-fml-inferred`).
         *     Needs scope `read:events`.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cases/{caseId}/screening/disposition": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record a disposition for a screening hit
         * @description Records the disposition of one screening hit (`hitId`, from `screening.hit.detected`) on a
         *     case: the `(caseId, hitId)` pair FML names.
         *
         *     **What is known:** FML names this path and method, and that it records a disposition for
         *     `(caseId, hitId)`. **What is not (`x-fml-inferred`):** the request body, the response, the
         *     scope and the errors. The SDK assumes a JSON body `{ hitId, disposition, note? }`, a `200`
         *     echoing what was recorded, scope `cases:write` (FML's only published write scope), and the
         *     usual error answers. Check against FML before relying on it in production.
         */
        post: operations["recordScreeningDisposition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cases/{caseId}/crm-record-id": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link a case to a CRM record after it was created
         * @description Sets the case's `crmRecordId` (and, optionally, `crmSource`); every later webhook carries the
         *     new value. For cases made by an analyst, a document upload or an application form, which
         *     had no CRM record when they were created.
         *
         *     **What is known:** FML names the path — note `/api`, not `/v1` — and the method, and that
         *     it sets `crmRecordId` after creation. **What is not (`x-fml-inferred`):** the body, the
         *     response, the auth and the errors. The SDK assumes the same bearer as `/v1` with scope
         *     `cases:write`, a JSON body `{ crmRecordId, crmSource? }`, a `200` with the updated case,
         *     and `409` when another case of the tenant already holds that `crmRecordId`.
         */
        post: operations["setCaseCrmRecordId"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "case.created": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * case.created
         * @description A case was created (by an analyst, a document upload, an application form or the API).
         */
        post: operations["caseCreatedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "case.submitted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * case.submitted
         * @description The customer submitted the case.
         */
        post: operations["caseSubmittedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "case.status.changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * case.status.changed
         * @description The case's status changed.
         */
        post: operations["caseStatusChangedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "case.decision.made": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * case.decision.made
         * @description An analyst decided the case.
         */
        post: operations["caseDecisionMadeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "case.onboarding_progress.changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * case.onboarding_progress.changed
         * @description A de-duplicated, CRM-safe snapshot of onboarding progress: emitted only when the stage or a
         *     person's coarse verification status changes. `companyName` is null for individual (KYC) cases.
         */
        post: operations["caseOnboardingProgressChangedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "screening.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * screening.completed
         * @description Screening of the case's subjects finished. In older payloads `timestamp` held the
         *     screening-completion time rather than the emission time: do not order events by it alone.
         */
        post: operations["screeningCompletedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "screening.hit.detected": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * screening.hit.detected
         * @description Emitted once per new sanctions / PEP hit, during onboarding screening or later by ongoing
         *     monitoring (told apart by `source`).
         */
        post: operations["screeningHitDetectedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "screening.hit.triaged": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * screening.hit.triaged
         * @description FML's AI triaged a screening hit: the event carries the **AI disposition** of the hit, not
         *     an analyst's (an analyst's is recorded with `POST /v1/cases/{caseId}/screening/disposition`).
         */
        post: operations["screeningHitTriagedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "ai_review.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * ai_review.completed
         * @description FML's AI review of the case finished.
         */
        post: operations["aiReviewCompletedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "case.data_package.delivered": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * case.data_package.delivered
         * @description The decided case's data package, emitted once at decision time, only for tenants with
         *     full-parity egress. Carries special-category personal data: never log this payload. **Its
         *     2xx acknowledgement is FML's precondition to purge the data (Zero-Retention)**: persist it
         *     before answering 2xx, and never acknowledge it unprocessed.
         */
        post: operations["caseDataPackageDeliveredWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "data.corrected": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * data.corrected
         * @description Case data was corrected, by the customer's review or an analyst's override.
         */
        post: operations["dataCorrectedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
/** The spec's reusable parts: `components["schemas"]` holds every model (`Case`, `CreateCaseRequest`, …). */
export interface components {
    schemas: {
        /**
         * @description The client-credentials grant (JSON or form-encoded). Like every request body here it
         *     declares no `additionalProperties`, which JSON Schema reads as "allowed", while the
         *     generated TypeScript type still catches misspelt fields.
         */
        TokenRequest: {
            /** @constant */
            grant_type: "client_credentials";
            /**
             * @description The API client's id, e.g. `pk_live_…`. Required in the body unless the client
             *     authenticates with HTTP Basic (`clientBasic`).
             */
            client_id?: string;
            /**
             * @description The API client's secret, e.g. `sk_live_…`. Never log it. Required in the body unless the
             *     client authenticates with HTTP Basic (`clientBasic`).
             */
            client_secret?: string;
            /** @description Space-separated scopes to request; defaults to all the client's scopes. */
            scope?: string;
        };
        TokenResponse: {
            /** @description A JWT, sent as `Authorization: Bearer <access_token>`. Never log it. */
            access_token: string;
            /**
             * @description `Bearer`.
             *
             *     Known values: `Bearer` (others may appear).
             */
            token_type: string;
            /**
             * @description Seconds until the token expires (3600 today).
             * @example 3600
             */
            expires_in: number;
            /**
             * @description The granted scopes, space-separated.
             * @example read:cases cases:write
             */
            scope?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description OAuth error body of the token endpoint. The shape follows RFC 6749 §5.2 (the SDK's
         *     decision: FML documents only that 400/401 carry an OAuth error).
         */
        OAuthError: {
            /**
             * @description The OAuth error code. An open set.
             *
             *     Known values: `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`, `unsupported_grant_type`, `invalid_scope` (others may appear).
             */
            error: string;
            /** @description Human-readable detail. */
            error_description?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description The error body of every API call. `error` is the code (documented); the other fields are
         *     the SDK's decision (`x-fml-inferred`). Readers should fall back to `code` when `error` is
         *     absent, and accept `fields` in other shapes (`{ path, code }` items, or an object mapping
         *     field → message).
         */
        ApiError: {
            /**
             * @description The error code. An open set.
             *
             *     Known values: `validation_error`, `invalid_client`, `invalid_token`, `insufficient_scope`, `idempotency_key_conflict`, `not_found`, `rate_limited` (others may appear).
             */
            error: string;
            /** @description An alternative place for the error code, read when `error` is absent. */
            code?: string;
            /** @description Human-readable detail. */
            message?: string;
            /** @description Human-readable detail (OAuth style). */
            error_description?: string;
            /** @description Each failed field of a `validation_error`. */
            fields?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description One failed field of a `validation_error`. */
        FieldError: {
            /** @description The request field, e.g. `customerEmail`. */
            field: string;
            /** @description Why it failed. */
            message: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description The case to create. Only `customerEmail` is required. Extra fields are allowed by the
         *     schema (no `additionalProperties` keyword), yet the generated type still catches typos.
         *
         *     FML has not published length limits. The `maxLength` values here are the SDK's decision
         *     (`x-fml-inferred`): generous enough for real CRM data, and checked before anything is sent
         *     so a too-long value fails locally with the field named. `src/internal/validation/limits.ts` holds
         *     the same numbers for the client, the paste-ready HubSpot action and the sandbox.
         */
        CreateCaseRequest: {
            /**
             * Format: email
             * @description Where the invite goes. At most 254 characters, the longest address SMTP carries (RFC 5321).
             */
            customerEmail: string;
            /** @description Salutation name in the invite. */
            customerName?: string;
            /** @description The company to onboard. */
            companyName?: string;
            /** @description As held in the CRM (free text, e.g. "United Kingdom"). */
            country?: string;
            /**
             * @description The upstream CRM record id (e.g. the HubSpot Company id). Echoed on every webhook, and a
             *     second create for the same tenant and `crmRecordId` returns the existing case.
             */
            crmRecordId?: string;
            /**
             * @description Lower-case origin system, e.g. `hubspot`, `salesforce`. An open set.
             *
             *     Known values: `hubspot`, `salesforce` (others may appear).
             */
            crmSource?: string;
            /** @description Send the magic-link invite now. */
            sendInvite?: boolean;
        };
        /**
         * @description An onboarding case. Only `caseId` and `status` are guaranteed; every other field may be
         *     absent (FML has not published which are always sent).
         */
        Case: {
            /**
             * @description Opaque id (seen both as a UUID and as `CS-2026-00471`); never empty.
             * @example 8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c
             * @example CS-2026-00471
             */
            caseId: string;
            /** @description Echoed from the create request. */
            customerEmail?: string;
            /** @description Echoed from the create request. */
            customerName?: string;
            /** @description Echoed from the create request. */
            companyName?: string;
            /** @description Echoed from the create request. */
            country?: string;
            /** @description The legal entity type, once known. */
            entityType?: string | null;
            /** @description The CRM record id sent on create. */
            crmRecordId?: string | null;
            /** @description The CRM source sent on create (lower case). */
            crmSource?: string | null;
            /**
             * @description How the case was made; `api` for `POST /v1/cases`. An open set.
             *
             *     Known values: `api`, `manual`, `doc_upload`, `application_form` (others may appear).
             */
            source?: string;
            /**
             * @description The case status; `in-progress` after creation. An open set: new values may appear at
             *     any time.
             *
             *     Known values: `in-progress`, `approved`, `declined`, `pending_senior`, `returned` (others may appear).
             */
            status: string;
            /**
             * Format: date-time
             * @description When the invite was sent; null when no invite was sent.
             */
            inviteSentAt?: string | null;
            /**
             * Format: uri
             * @description The customer portal.
             */
            customerPortalUrl?: string;
            /**
             * Format: uri
             * @description The case in FML's analyst console.
             */
            analystUrl?: string;
            /** @description The company registration number, once known. */
            companyNumber?: string | null;
            /**
             * Format: date-time
             * @description When the case was created. The name is the SDK's decision (`x-fml-inferred`).
             */
            createdAt?: string;
            /**
             * Format: date-time
             * @description When the case last changed (what `updated_since` compares). The name is the SDK's
             *     decision (`x-fml-inferred`).
             */
            updatedAt?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description One page of cases. */
        CaseList: {
            data: components["schemas"]["Case"][];
            /** @description Pass back as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
            /** @description Whether another page follows. */
            hasMore: boolean;
        } & {
            [key: string]: unknown;
        };
        /** @description One page of events (`x-fml-inferred`, like `GET /v1/events`). */
        EventList: {
            data: components["schemas"]["WebhookEvent"][];
            /** @description Pass back as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
            /** @description Whether another page follows. */
            hasMore: boolean;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description The disposition to record for one hit. FML has not published this body: every field here
         *     is the SDK's decision (`x-fml-inferred`).
         */
        ScreeningDispositionRequest: {
            /** @description The hit, as `hitId` in `screening.hit.detected` (a vendor entity id, or `ca:<slug>`). */
            hitId: string;
            /**
             * @description The analyst's disposition. An open set.
             *
             *     Known values: `false_positive`, `true_positive` (others may appear).
             */
            disposition: string;
            /** @description Why, for the audit trail. */
            note?: string;
        };
        /** @description The disposition as recorded (`x-fml-inferred`). */
        ScreeningDisposition: {
            caseId: string;
            hitId: string;
            /** @description Known values: `false_positive`, `true_positive` (others may appear). */
            disposition: string;
            note?: string | null;
            /** Format: date-time */
            recordedAt?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description The CRM record to link (`x-fml-inferred`: FML has not published this body). */
        SetCrmRecordIdRequest: {
            /** @description The upstream CRM record id (e.g. the HubSpot Company id). */
            crmRecordId: string;
            /**
             * @description Lower-case origin system, e.g. `hubspot`. An open set.
             *
             *     Known values: `hubspot`, `salesforce` (others may appear).
             */
            crmSource?: string;
        };
        /**
         * @description The fields every event carries. Payloads are flat (no `data` wrapper). An `event` name the
         *     SDK does not know yet is a valid, newer event with (at least) these fields.
         */
        WebhookEventCommon: {
            /** @description The event name, e.g. `case.status.changed`. */
            event: string;
            /**
             * Format: uuid
             * @description Stays the same across retries and redeliveries; the receiver's idempotency key.
             */
            eventId: string;
            /** @description The payload version; always `1` today. */
            eventVersion: number;
            /**
             * Format: date-time
             * @description When the event was emitted. Signed with the body, so it also guards against replays.
             */
            timestamp: string;
            /** @description The tenant. */
            orgId: string;
            /** @description The case the event is about. */
            caseId: string;
            /** @description What was sent as `crmRecordId` on create. */
            crmRecordId?: string | null;
            /** @description What was sent as `crmSource` on create (lower case). */
            crmSource?: string | null;
            /** @description The company's name. */
            companyName?: string | null;
        } & {
            [key: string]: unknown;
        };
        CaseCreatedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "case.created";
            /**
             * @description How the case was made. An open set: FML's schema lists `manual`, `doc_upload` and
             *     `application_form`; `api` is what the recipe guide shows for cases made by
             *     `POST /v1/cases` (FML's event schema omits it).
             *
             *     Known values: `manual`, `doc_upload`, `application_form`, `api` (others may appear).
             */
            source: string;
            /** @description The company registration number. */
            companyNumber?: string | null;
            /** @description The company's country (an ISO country code or a jurisdiction). */
            country?: string | null;
            /** @description The customer's email. */
            customerEmail?: string | null;
            /**
             * @description The analyst's email, only on manual creation (absent otherwise, never null). A case's
             *     `crmRecordId` can be set later with `POST /api/cases/{caseId}/crm-record-id`.
             */
            createdBy?: string;
        } & {
            [key: string]: unknown;
        });
        CaseSubmittedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "case.submitted";
        } & {
            [key: string]: unknown;
        });
        CaseStatusChangedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "case.status.changed";
            /**
             * @description The new status. An open set.
             *
             *     Known values: `in-progress`, `approved`, `declined`, `pending_senior`, `returned` (others may appear).
             */
            status: string;
            /**
             * @description The status before; null for the first status.
             *
             *     Known values: `in-progress`, `approved`, `declined`, `pending_senior`, `returned` (others may appear).
             */
            previousStatus: string | null;
            /** @description Who changed it. */
            changedBy?: string | null;
            /**
             * @description The recommendation behind the change. An open set.
             *
             *     Known values: `approve`, `decline`, `refer` (others may appear).
             */
            recommendation?: string | null;
        } & {
            [key: string]: unknown;
        });
        CaseDecisionMadeEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "case.decision.made";
            /**
             * @description The case status after the decision. An open set.
             *
             *     Known values: `approved`, `declined`, `pending_senior`, `returned` (others may appear).
             */
            status?: string;
            /**
             * @description The decision. An open set.
             *
             *     Known values: `approve`, `decline`, `refer` (others may appear).
             */
            decision?: string;
            /**
             * Format: date-time
             * @description When the decision was made.
             */
            decidedAt?: string;
        } & {
            [key: string]: unknown;
        });
        CaseOnboardingProgressChangedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "case.onboarding_progress.changed";
            /**
             * @description The onboarding stage. An open set.
             *
             *     Known values: `created`, `invite_sent`, `collecting_documents`, `application_submitted`, `in_screening`, `awaiting_id_verification`, `decision_made` (others may appear).
             */
            stage: string;
            /** @description The stage, readable by a person. */
            stageLabel: string;
            /** @description Who is being onboarded (shape not published; any JSON). */
            roster: unknown;
            /** @description Progress summary (shape not published; any JSON). */
            summary: unknown;
        } & {
            [key: string]: unknown;
        });
        ScreeningCompletedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "screening.completed";
            /** @description How many subjects were screened. */
            screened: number;
            /** @description One entry per screened subject. */
            summary: components["schemas"]["ScreeningSummaryEntry"][];
        } & {
            [key: string]: unknown;
        });
        /** @description One screened subject. */
        ScreeningSummaryEntry: {
            name: string;
            /** @description The subject's role, e.g. `director`; always present, null for the company row. */
            role: string | null;
            /**
             * @description The screening result. An open set.
             *
             *     Known values: `clear`, `match`, `pep`, `sanctioned` (others may appear).
             */
            status: string;
        } & {
            [key: string]: unknown;
        };
        ScreeningHitDetectedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "screening.hit.detected";
            /**
             * @description The hit's id: the screening vendor's entity id, or `ca:<slug>`. With `caseId`, what a
             *     disposition is recorded for.
             */
            hitId: string;
            /** @description Where the hit came from (onboarding screening or ongoing monitoring). */
            source: string;
            /** @description The screened subject's id; null for ongoing-monitoring hits. */
            subjectId?: string | null;
            /** @description The screened subject's name. */
            subjectName?: string | null;
        } & {
            [key: string]: unknown;
        });
        ScreeningHitTriagedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "screening.hit.triaged";
        } & {
            [key: string]: unknown;
        });
        AiReviewCompletedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "ai_review.completed";
            /** @description The review's id. */
            reviewId: number;
            /**
             * @description The AI's recommendation. An open set.
             *
             *     Known values: `Approve`, `Refer`, `Decline` (others may appear).
             */
            recommendation: string;
            /**
             * @description The AI's confidence. An open set.
             *
             *     Known values: `High`, `Medium`, `Low` (others may appear).
             */
            confidence: string;
            /** @description How many risk factors were found. */
            riskFactorCount: number;
            riskFactors: components["schemas"]["AiRiskFactor"][];
            /**
             * Format: date-time
             * @description When the review finished.
             */
            completedAt: string;
            /**
             * @description Who or what started the review: an analyst's email, or
             *     `system:form-submission:<email>` / `system:confirm-review:<email>`.
             */
            triggeredBy?: string;
        } & {
            [key: string]: unknown;
        });
        /** @description One risk factor found by the AI review. */
        AiRiskFactor: {
            text: string;
            /**
             * @description Upper case. An open set: FML's schema was readable up to `HIGH`, `MED…`, so both
             *     `MEDIUM` and `MED` are expected.
             *
             *     Known values: `HIGH`, `MEDIUM`, `MED`, `LOW` (others may appear).
             */
            severity: string;
        } & {
            [key: string]: unknown;
        };
        CaseDataPackageDeliveredEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "case.data_package.delivered";
            /**
             * @description When the case was decided. FML's schema requires it, but its shape is past the
             *     readable part, so any JSON value is accepted (typically an RFC 3339 date-time string):
             *     refusing this event over a guessed type would lose the data package FML then purges.
             */
            decidedAt: unknown;
            /** @description The decision outcome (shape not published; any JSON). */
            outcome: unknown;
            /** @description The delivered data package (shape not published; any JSON). */
            fullParity: unknown;
        } & {
            [key: string]: unknown;
        });
        DataCorrectedEvent: components["schemas"]["WebhookEventCommon"] & ({
            /** @constant */
            event: "data.corrected";
            /**
             * @description Who corrected the data. An open set.
             *
             *     Known values: `customer_review`, `analyst_override` (others may appear).
             */
            source: string;
            /** @description With `customer_review`, how many amendments the customer made. */
            amendmentCount?: number;
            /** @description With `customer_review`, one entry per amended field. */
            amendments?: components["schemas"]["DataAmendment"][];
            /** @description With `analyst_override`, the corrected document. */
            documentId?: number;
            /**
             * @description With `analyst_override`, the corrected field (always `document_status` today).
             *
             *     Known values: `document_status` (others may appear).
             */
            field?: string;
            /** @description With `analyst_override`, the value before (typically `error`). */
            originalValue?: string | null;
        } & {
            [key: string]: unknown;
        });
        /** @description One field the customer amended in their review. */
        DataAmendment: {
            /** @description The section of the application the field belongs to. */
            section: string;
            /** @description The amended field. */
            field: string;
            /** @description The value before (any JSON). */
            originalValue?: unknown;
            /** @description The value after (any JSON). */
            correctedValue?: unknown;
        } & {
            [key: string]: unknown;
        };
        /**
         * @description Any webhook payload (or `GET /v1/events` item): one of the known events, or a newer event
         *     with the common fields. Match on `event`.
         */
        WebhookEvent: components["schemas"]["CaseCreatedEvent"] | components["schemas"]["CaseSubmittedEvent"] | components["schemas"]["CaseStatusChangedEvent"] | components["schemas"]["CaseDecisionMadeEvent"] | components["schemas"]["CaseOnboardingProgressChangedEvent"] | components["schemas"]["ScreeningCompletedEvent"] | components["schemas"]["ScreeningHitDetectedEvent"] | components["schemas"]["ScreeningHitTriagedEvent"] | components["schemas"]["AiReviewCompletedEvent"] | components["schemas"]["CaseDataPackageDeliveredEvent"] | components["schemas"]["DataCorrectedEvent"] | components["schemas"]["WebhookEventCommon"];
    };
    responses: {
        /** @description The token request is malformed (OAuth error body, RFC 6749 §5.2). */
        OAuthBadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthError"];
            };
        };
        /** @description The client id or secret is wrong, stale or revoked. */
        OAuthUnauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthError"];
            };
        };
        /** @description A field is missing or invalid (`validation_error`); the body lists each failed field. */
        ValidationError: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description A query parameter of a list is invalid (`validation_error`); the body lists each failed parameter. */
        InvalidListQuery: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description The request body is missing a field or has an invalid one (`validation_error`). */
        InvalidBody: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /**
         * @description The bearer is missing, expired or revoked (`invalid_token`, RFC 6750 — the SDK's
         *     decision), or the client is invalid (`invalid_client`).
         */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description The client lacks the scope this call needs (`insufficient_scope`). */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description Unknown id, or another tenant's id. */
        NotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description The same `Idempotency-Key` was used before on a different endpoint (`idempotency_key_conflict`). */
        IdempotencyKeyConflict: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description Throttled; wait `Retry-After` seconds. */
        TooManyRequests: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description Any other error, typically a 5xx. */
        ServerError: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApiError"];
            };
        };
        /** @description Any 2xx status counts as delivered; anything else is retried by FML. */
        WebhookAccepted: {
            headers: {
                [name: string]: unknown;
            };
            content?: never;
        };
    };
    parameters: {
        /** @description The case id (opaque; seen both as a UUID and as `CS-2026-00471`). */
        CaseId: string;
        /**
         * @description Opaque key that makes a retry safe (the SDK's decision, `x-fml-inferred`: FML documents
         *     Idempotency-Key for `POST /v1/cases` only).
         */
        IdempotencyKeyOptional: string;
        /** @description Page size. */
        Limit: number;
        /** @description The `nextCursor` of the previous page, passed back verbatim (opaque). */
        Cursor: string;
        /**
         * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
         *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
         *     exact bytes received, before parsing. No timestamp header is sent: replay protection
         *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
         */
        "X-FML-Signature": string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description FML's id for this request; quote it to FML support. The header name is the SDK's decision
         *     (`x-fml-inferred`): FML may not send it, so it is optional.
         */
        "X-Request-Id": string;
        /** @description Seconds to wait before retrying (an HTTP date is also accepted by the SDK). */
        "Retry-After": string;
        /**
         * @description Present when the answer is a replay, not a new case: `true` (the original answer to an
         *     earlier `Idempotency-Key`) or `crm-record-id` (the tenant's existing case for this
         *     `crmRecordId`). An open set.
         */
        "Idempotent-Replay": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
/** Every operation of the spec by its `operationId`: parameters, request body and responses. */
export interface operations {
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description The token. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["OAuthBadRequest"];
            401: components["responses"]["OAuthUnauthorized"];
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    listCases: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page, passed back verbatim (opaque). */
                cursor?: components["parameters"]["Cursor"];
                /**
                 * @description Only cases with this status. An open set; known values: `in-progress`, `approved`,
                 *     `declined`, `pending_senior`, `returned`.
                 */
                status?: string;
                /** @description Only cases whose `updatedAt` is at or after this instant (ISO 8601). */
                updated_since?: string;
                /** @description Only cases created at or after this instant (ISO 8601). */
                created_since?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of cases. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaseList"];
                };
            };
            400: components["responses"]["InvalidListQuery"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    createCase: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Caller-supplied opaque key; retries with the same key never create a second case.
                 *     The HubSpot recipe uses `hubspot-{companyId}`. The 255-character limit is the SDK's
                 *     decision (`x-fml-inferred`).
                 *
                 *     **Replayed errors (`x-fml-inferred`).** FML documents that a replay returns "the original
                 *     status and body verbatim" but not whether an *error* answer (a `400 validation_error`) is
                 *     stored under the key too. If it is, a retry with the same key gets the same 400 with
                 *     `Idempotent-Replay: true` even after the data was fixed: the key is stuck, and only a new
                 *     key (e.g. `hubspot-{companyId}-v2`) creates the case. The SDK handles both: the HubSpot
                 *     action names a replayed 400 and how to recover (its `idempotencyKeySuffix` option); the
                 *     sandbox stores only successful answers by default and replays errors too with
                 *     `startSandbox({ replayErrors: true })`.
                 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCaseRequest"];
            };
        };
        responses: {
            /**
             * @description A case already existed: either the earlier answer to this `Idempotency-Key`
             *     (`Idempotent-Replay: true`) or the tenant's case for this `crmRecordId`
             *     (`Idempotent-Replay: crm-record-id`). No duplicate was made.
             */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Idempotent-Replay": components["headers"]["Idempotent-Replay"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            /** @description A new case was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Idempotent-Replay": components["headers"]["Idempotent-Replay"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["IdempotencyKeyConflict"];
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    getCase: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The case id (opaque; seen both as a UUID and as `CS-2026-00471`). */
                caseId: components["parameters"]["CaseId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The case. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page, passed back verbatim (opaque). */
                cursor?: components["parameters"]["Cursor"];
                /** @description Only events emitted at or after this instant (ISO 8601). */
                since?: string;
                /** @description Only events with this name, e.g. `case.status.changed`. */
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of events. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventList"];
                };
            };
            400: components["responses"]["InvalidListQuery"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    recordScreeningDisposition: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Opaque key that makes a retry safe (the SDK's decision, `x-fml-inferred`: FML documents
                 *     Idempotency-Key for `POST /v1/cases` only).
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                /** @description The case id (opaque; seen both as a UUID and as `CS-2026-00471`). */
                caseId: components["parameters"]["CaseId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScreeningDispositionRequest"];
            };
        };
        responses: {
            /** @description The disposition was recorded. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScreeningDisposition"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    setCaseCrmRecordId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The case id (opaque; seen both as a UUID and as `CS-2026-00471`). */
                caseId: components["parameters"]["CaseId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetCrmRecordIdRequest"];
            };
        };
        responses: {
            /** @description The updated case. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Case"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Another case of this tenant already holds this `crmRecordId` (`x-fml-inferred`). */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            default: components["responses"]["ServerError"];
        };
    };
    caseCreatedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseCreatedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    caseSubmittedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseSubmittedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    caseStatusChangedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseStatusChangedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    caseDecisionMadeWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseDecisionMadeEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    caseOnboardingProgressChangedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseOnboardingProgressChangedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    screeningCompletedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScreeningCompletedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    screeningHitDetectedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScreeningHitDetectedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    screeningHitTriagedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScreeningHitTriagedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    aiReviewCompletedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AiReviewCompletedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    caseDataPackageDeliveredWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CaseDataPackageDeliveredEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
    dataCorrectedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `sha256=<hex>`: the HMAC-SHA256 of the **raw request body**, keyed with the endpoint's
                 *     shared secret (shown once in the FML console), as lower-case hex. Verify it against the
                 *     exact bytes received, before parsing. No timestamp header is sent: replay protection
                 *     comes from the signed `timestamp` field plus de-duplication on `eventId`.
                 */
                "X-FML-Signature": components["parameters"]["X-FML-Signature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DataCorrectedEvent"];
            };
        };
        responses: {
            200: components["responses"]["WebhookAccepted"];
        };
    };
}
