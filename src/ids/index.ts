/** Identifiers: national-number validation, masking, subject references and keyed protection at rest. */
export { ridCheckChar, validateRid, type RidInfo } from './cn-rid.js';
export { USCC_ALPHABET, orgCodeCheckChar, usccCheckChar, usccSubjectKind, validateUscc, type UsccInfo } from './cn-uscc.js';
export { maskIdentifier } from './mask.js';
export { NATIONAL_SCHEMES, isInternalId, parseSubjectRef, type SubjectRef } from './subject-ref.js';
export { Keyring } from './keyring.js';
