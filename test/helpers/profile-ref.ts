import { DEFAULT_SITE, type ProfileRef } from '../../src/profiles/profile.service';

/** A profile of the `default` site, where the services-level tests work. */
export const ref = (name: string): ProfileRef => ({ site: DEFAULT_SITE, name });
