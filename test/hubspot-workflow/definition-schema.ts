// A JSON Schema of HubSpot's custom workflow action definition, written from the fields HubSpot documents
// (the custom workflow actions guide and the v4 definition models: PublicActionDefinitionEgg,
// InputFieldDefinition, FieldTypeDefinition, OutputFieldDefinition, PublicActionLabels). Strict on
// purpose — additionalProperties false at every documented level — so a misspelt key fails here
// instead of being silently ignored by HubSpot.

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const option = {
  type: 'object',
  required: ['label', 'value'],
  additionalProperties: false,
  properties: {
    label: { type: 'string', minLength: 1 },
    value: { type: 'string' },
    displayOrder: { type: 'integer' },
    description: { type: 'string' },
    hidden: { type: 'boolean' },
    readOnly: { type: 'boolean' },
    doubleData: { type: 'number' },
  },
} as const;

const typeDefinition = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    type: {
      enum: [
        'string',
        'number',
        'bool',
        'datetime',
        'enumeration',
        'date',
        'phone_number',
        'currency_number',
        'json',
        'object_coordinates',
      ],
    },
    fieldType: {
      enum: [
        'booleancheckbox',
        'checkbox',
        'date',
        'file',
        'number',
        'phonenumber',
        'radio',
        'select',
        'text',
        'textarea',
        'calculation_equation',
        'calculation_rollup',
        'calculation_score',
        'calculation_read_time',
        'unknown',
        'html',
      ],
    },
    options: { type: 'array', items: option },
    optionsUrl: { type: 'string', format: 'uri' },
    referencedObjectType: { type: 'string' },
    externalOptions: { type: 'boolean' },
    externalOptionsReferenceType: { type: 'string' },
    label: { type: 'string' },
    description: { type: 'string' },
    helpText: { type: 'string' },
  },
  // A select needs its options, from a list or a URL.
  if: { properties: { fieldType: { const: 'select' } }, required: ['fieldType'] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword (Ajv reads it), not a thenable
  then: {
    anyOf: [
      { required: ['options'], properties: { options: { type: 'array', minItems: 1 } } },
      { required: ['optionsUrl'] },
      { required: ['referencedObjectType'] },
    ],
  },
} as const;

const labels = {
  type: 'object',
  required: ['actionName'],
  additionalProperties: false,
  properties: {
    actionName: { type: 'string', minLength: 1 },
    actionDescription: { type: 'string' },
    actionCardContent: { type: 'string' },
    appDisplayName: { type: 'string' },
    inputFieldLabels: stringMap,
    inputFieldDescriptions: stringMap,
    inputFieldOptionLabels: { type: 'object', additionalProperties: stringMap },
    outputFieldLabels: stringMap,
    executionRules: stringMap,
  },
} as const;

export const actionDefinitionSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'HubSpot custom workflow action definition (POST /automation/actions/2026-03/{appId}; v4 alike)',
  type: 'object',
  required: ['actionUrl', 'inputFields', 'labels'],
  additionalProperties: false,
  properties: {
    actionUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
    published: { type: 'boolean' },
    archivedAt: { type: 'integer' },
    objectTypes: { type: 'array', items: { type: 'string', pattern: '^[A-Z_0-9-]+$' } },
    objectRequestOptions: {
      type: 'object',
      required: ['properties'],
      additionalProperties: false,
      properties: { properties: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } },
    },
    inputFields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['typeDefinition'],
        additionalProperties: false,
        properties: {
          typeDefinition,
          supportedValueTypes: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: {
              enum: [
                'STATIC_VALUE',
                'OBJECT_PROPERTY',
                'FIELD_DATA',
                'FETCHED_OBJECT_PROPERTY',
                'ENROLLMENT_EVENT_PROPERTY',
              ],
            },
          },
          isRequired: { type: 'boolean' },
          automationFieldType: { type: 'string' },
        },
      },
    },
    inputFieldDependencies: {
      type: 'array',
      items: {
        type: 'object',
        required: ['dependencyType', 'controllingFieldName', 'dependentFieldNames'],
        additionalProperties: false,
        properties: {
          dependencyType: { enum: ['SINGLE_FIELD', 'CONDITIONAL_SINGLE_FIELD'] },
          controllingFieldName: { type: 'string', minLength: 1 },
          controllingFieldValue: { type: 'string' },
          dependentFieldNames: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', minLength: 1 },
          },
        },
        // A conditional dependency names the value that shows its dependents; a plain one has none.
        if: { properties: { dependencyType: { const: 'CONDITIONAL_SINGLE_FIELD' } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword (Ajv reads it), not a thenable
        then: { required: ['controllingFieldValue'] },
        else: { not: { required: ['controllingFieldValue'] } },
      },
    },
    outputFields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['typeDefinition'],
        additionalProperties: false,
        properties: { typeDefinition },
      },
    },
    labels: {
      type: 'object',
      required: ['en'],
      propertyNames: { enum: ['en', 'fr', 'de', 'ja', 'es', 'pt-br', 'nl'] },
      additionalProperties: labels,
    },
    functions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['functionType', 'functionSource'],
        additionalProperties: false,
        properties: {
          functionType: {
            enum: ['PRE_ACTION_EXECUTION', 'PRE_FETCH_OPTIONS', 'POST_FETCH_OPTIONS', 'POST_ACTION_EXECUTION'],
          },
          functionSource: { type: 'string' },
          id: { type: 'string' },
        },
      },
    },
    executionRules: { type: 'array', items: { type: 'object' } },
  },
} as const;

/** Example 1 of HubSpot's guide, verbatim: proof that the schema accepts what HubSpot documents. */
export const hubspotGuideExample1 = {
  actionUrl: 'https://example.com/hubspot',
  inputFields: [
    {
      typeDefinition: { name: 'widgetName', type: 'string', fieldType: 'text' },
      supportedValueTypes: ['STATIC_VALUE'],
      isRequired: true,
    },
    {
      typeDefinition: {
        name: 'widgetColor',
        type: 'enumeration',
        fieldType: 'select',
        options: [
          { value: 'red', label: 'Red' },
          { value: 'blue', label: 'Blue' },
          { value: 'green', label: 'Green' },
        ],
      },
      supportedValueTypes: ['STATIC_VALUE'],
    },
    {
      typeDefinition: { name: 'widgetOwner', type: 'enumeration', referencedObjectType: 'OWNER' },
      supportedValueTypes: ['STATIC_VALUE'],
    },
    { typeDefinition: { name: 'widgetQuantity', type: 'number' }, supportedValueTypes: ['OBJECT_PROPERTY'] },
  ],
  labels: {
    en: {
      actionName: 'Create Widget - Example 1',
      actionCardContent: 'Create widget {{widgetName}}',
      inputFieldLabels: {
        widgetName: 'Widget Name',
        widgetColor: 'Widget Color',
        widgetOwner: 'Widget Owner',
        widgetQuantity: 'Widget Quantity',
      },
    },
  },
  objectTypes: ['CONTACT', 'DEAL'],
};

/** Example 3 of HubSpot's guide (dependencies, options URL, a function), verbatim. */
export const hubspotGuideExample3 = {
  actionUrl: 'https://example.com/hubspot',
  inputFields: [
    {
      typeDefinition: { name: 'widgetName', type: 'string', fieldType: 'text' },
      supportedValueTypes: ['STATIC_VALUE'],
      isRequired: true,
    },
    {
      typeDefinition: {
        name: 'widgetColor',
        type: 'enumeration',
        fieldType: 'select',
        options: [
          { value: 'red', label: 'Red' },
          { value: 'blue', label: 'Blue' },
          { value: 'green', label: 'Green' },
        ],
      },
      supportedValueTypes: ['STATIC_VALUE'],
    },
    {
      typeDefinition: {
        name: 'widgetSize',
        type: 'enumeration',
        fieldType: 'select',
        optionsUrl: 'https://api.example.com/v1/widget-sizes',
      },
      supportedValueTypes: ['STATIC_VALUE'],
    },
    {
      typeDefinition: { name: 'widgetCost', type: 'number', fieldType: 'number' },
      supportedValueTypes: ['OBJECT_PROPERTY'],
    },
  ],
  inputFieldDependencies: [
    { dependencyType: 'SINGLE_FIELD', controllingFieldName: 'widgetColor', dependentFieldNames: ['widgetSize'] },
    {
      dependencyType: 'CONDITIONAL_SINGLE_FIELD',
      controllingFieldName: 'widgetColor',
      controllingFieldValue: 'red',
      dependentFieldNames: ['widgetCost'],
    },
  ],
  labels: {
    en: {
      actionName: 'Create Widget - Example 3',
      actionCardContent: 'Create widget {{widgetName}}',
      inputFieldLabels: {
        widgetName: 'Widget Name',
        widgetColor: 'Widget Color',
        widgetSize: 'Widget Size',
        widgetCost: 'Widget Cost',
      },
    },
  },
  objectTypes: ['CONTACT', 'DEAL'],
  functions: [
    {
      functionType: 'PRE_FETCH_OPTIONS',
      id: 'widgetSize',
      functionSource: 'exports.main = function(event, callback) { return callback(transformRequest(event)); }',
    },
  ],
};
