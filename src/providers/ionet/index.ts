export { createIoNetProvider, IoNetProvider, type IoHardware, type IoNetConfig } from './ionet-provider.js';
