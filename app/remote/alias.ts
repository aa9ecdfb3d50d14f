// The alias rule lives in app/model (the window checks an added host with the same rule before
// it asks the core, which checks again); the remote code imports it from here.
export { checkAlias, type AliasCheck, type HostAlias } from '../model/host-alias.js';
