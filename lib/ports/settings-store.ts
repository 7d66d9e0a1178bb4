// Per-organization settings; an organization that never saved any reads the defaults.

import type { OrgSettings } from '../domain/settings';

export interface SettingsStore {
  get(orgId: string): Promise<OrgSettings>;
  put(orgId: string, settings: OrgSettings): Promise<void>;
}
