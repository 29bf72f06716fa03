/** The seeded synthetic city: generator, region table and the target rates it draws from. */
export { citySize, generateCity, type CityItem, type CityOptions } from './city.js';
export { REGIONS, regionName, type Region } from './regions.js';
export { PERSON_RATES } from './records-person.js';
export { ENTERPRISE_RATES, PUBLIC_BODY_RATES } from './records-org.js';
export { DIRECTORY_GROUND_RATES, SERIOUS_DISHONESTY_RATES } from './records-credit.js';
export { ROUTINE_MIX } from './records-routine.js';
