// Types of the sender entry (`minseal/sender`): what a sending portal calls, with the same names
// and types as the full entry (index.d.ts), which declares them. The full entry adds what only a
// receiver calls: `open`, `openAsync`, `openAndVerify`, `exportProof`, `verifyProof`,
// `MemoryReplayStore`, `signAck`, `signRegister`.
export {
  init, version, MinsealError, Policy, profiles,
  minimise, verify, seal, sealAsync, minimiseAndSeal, minimiseAndSealAsync,
  generateKeyPair, publicKey, thumbprint, generateSigningKey, signingPublicKey,
  Registers, verifyAck,
} from './index.js';
export type {
  InitInput, ErrorCode, Jwk, PublicJwk, PrivateJwk, JwkSet, PublicRecipientJwk, RecipientJwkSet,
  SigningAlg, Es256Jwk, Ed25519Jwk, SigningJwk, PublicSigningJwk, PrivateSigningJwk, SigningJwkSet,
  WebCryptoKey, CryptoKeySigner, CallbackSigner, SyncSignerInput, SignerInput, PayloadInput,
  ProfileId, PolicyInput, RecipientsInput, PrivateKeyInput, MinimiseOptions, EnvelopeLimitOptions,
  PolicyParseOptions, EnvelopeFormat, SealOptions, MinimiseAndSealOptions, SealAsyncOptions,
  MinimiseAndSealAsyncOptions, PolicyReference, Header, EnvelopeJson, Envelope, RemovalReason,
  Receipt, ViolationKind, Verification, ProfileInfo,
  RegisterRole, RegisterSource, RegistersLoadOptions, RegisterInfo, RegisteredKey, RegisterEntry,
  RecipientRef, RegisterSealOptions, RegisterSigner, VerifiedAck,
} from './index.js';
