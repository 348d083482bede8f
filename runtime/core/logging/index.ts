export {
  type CapturedLogs,
  captureLogs,
  createLogger,
  type LogDestination,
  type LogExtra,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogMethod,
  type LogRecord,
  usesPrettyFormat,
} from './logger.js';
