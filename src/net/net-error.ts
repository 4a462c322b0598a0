import { LinkError } from '../model/errors.js';

/** A host network operation failed: binding, reading an interface, or opening a capture handle. */
export class NetError extends LinkError {}
