export { evaluateSubject, type EvaluateInput } from './evaluate.js';
export { relatedEntries, entryId } from './lists.js';
export { statusAt } from './working-set.js';
export { adultFrom, adultFromRid } from './minors.js';
