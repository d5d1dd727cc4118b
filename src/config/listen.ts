// The parser lives in core so sources (which may not import config) use the same one.
export { parseListen, isLoopbackHost, type ListenAddress } from '../core/listen.js';
