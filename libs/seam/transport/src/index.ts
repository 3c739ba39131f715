export * from './contracts/contract.types.js';
export * from './contracts/define-contract.js';
export * from './errors/error-codes.js';
export * from './errors/seam-error.js';
export { errorFromWire, isWireError, unknownPatternError } from './errors/wire-errors.js';
export { isShuttingDownRefusal, shuttingDownError } from './errors/shutting-down.js';
export * from './context/call-context.js';
export type { CallMetadata } from './context/call-metadata.js';
export { callContextOf } from './context/call-context.registry.js';
export { currentCallContext, runInCallScope } from './context/call-scope.js';
export { parseTraceparent, type TraceParent } from './context/traceparent.js';
export * from './door/handler.decorators.js';
export { acceptedInstance, invalidPayload, MAX_REPORTED_VIOLATIONS, validatePayload } from './door/validate-payload.js';
export * from './door/field.decorators.js';
export { fieldPath, findForbiddenKeys, MAX_PAYLOAD_DEPTH } from './door/forbidden-keys.js';
export { handlerFailure, SeamExceptionFilter } from './door/seam-exception.filter.js';
export { fastHandlers, HTTP_ONLY_ENHANCER, HttpOnlyEnhancer } from './door/fast-handlers.js';
export * from './client/seam-client.js';
export * from './delivery/delivery.entries.js';
export { CurrentDelivery, type DeliveryInfo, deliveryOf } from './delivery/current-delivery.js';
export { TransportRouter } from './client/transport-router.js';
export type { CallPolicy } from './client/call-policy.js';
export {
  type CallLabels,
  type CallMeter,
  installSeamMeters,
  type SeamMeters,
  type TransportKind,
} from './client/call-meters.js';
export {
  installSeamTracer,
  SEAM_TRACER_KEY,
  type SeamSpan,
  type SeamTracer,
  seamTracer,
  withSpan,
} from './context/seam-tracer.js';
export { deniedCalls, type HandledCalls, handledCalls } from './transports/server-core/handled-calls.js';
export * from './module/endpoint.js';
export * from './module/seam-options.js';
export * from './module/seam-transport.module.js';
export type { OutgoingPacket, ReplyCallback, SeamTransportClient } from './transports/transport-client.js';
export { InProcessBus, defaultInProcessBus } from './transports/in-process/in-process.bus.js';
export { InProcessClient, type InProcessClientOptions } from './transports/in-process/in-process.client.js';
export { InProcessContext } from './transports/in-process/in-process.context.js';
export { InProcessServer, type InProcessServerOptions } from './transports/in-process/in-process.server.js';
export { SeamTcpClient, type SeamTcpClientOptions } from './transports/tcp/seam-tcp.client.js';
export { SeamTcpServer, type SeamTcpServerOptions, type TcpServerStats } from './transports/tcp/seam-tcp.server.js';
export { DEFAULT_TCP_SERVER_LIMITS, type TcpLimits, type TcpServerLimits } from './transports/tcp/tcp-limits.js';
export type { TcpRejectionCounts, TcpRejectionReason } from './transports/tcp/tcp-rejections.js';
export { RedisStreamsClient, type RedisStreamsClientOptions } from './transports/redis/redis-streams.client.js';
export { RedisStreamsServer, type RedisStreamsServerOptions } from './transports/redis/redis-streams.server.js';
export { RedisStreamsContext } from './transports/redis/redis-streams.context.js';
export { SeamRedisPubSubClient, type SeamRedisPubSubClientOptions } from './transports/redis/redis-pubsub.client.js';
export { SeamRedisPubSubServer, type SeamRedisPubSubServerOptions } from './transports/redis/redis-pubsub.server.js';
export { createTransportClient, createTransportServers } from './transports/create-transport.js';
export { checkTlsOptions, SeamTlsConfigError, type SeamTlsOptions } from './transports/tcp/tcp-tls.js';
export {
  redisConnectionOptions,
  type SeamRedisSecurity,
  type SeamRedisTlsOptions,
} from './transports/redis/redis-tls.js';
export { type IoredisModule, loadIoredis } from './transports/redis/redis-connection.js';
export { redisAclFor, type RedisAclSubject, type RedisAclUser } from './transports/redis/redis-acl.js';
export { copyAsJson, assertTransmittable } from './wire/json-copy.js';
export * from './wire/limits.js';
export { MeshKeys, MeshKeysError, type MeshKeysDocument, MIN_MESH_KEY_BYTES, pairName } from './auth/mesh-keys.js';
export { deriveMeshKeys, type DeriveMeshKeysOptions } from './auth/derive-mesh-keys.js';
export {
  AUTH_METADATA_KEY,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  EnvelopeAuth,
  type EnvelopeAuthOptions,
  type SignedRequest,
  type VerifiedEnvelope,
} from './auth/envelope-auth.js';
export { type AuthRejectionReason, AuthRejections, authRejections } from './auth/auth-rejections.js';
export {
  acceptLink,
  AuthenticatedLink,
  LINK_FRAME_KEY,
  type LinkAccept,
  type LinkChallenge,
  type LinkProof,
  proveLink,
} from './auth/link-auth.js';
export { type DispatchedPacket, seamCredentials, type SeamCredentialsOptions } from './auth/nest-client-credentials.js';
