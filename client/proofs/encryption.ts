/**
 * ECIES to a requester's secp256k1 public key (outputs at the `cryptographic` level).
 * Browser-safe (@noble only).
 *
 * Format, version 1 (all concatenated):
 *   0x01 | ephemeral public key (33 bytes, compressed) | nonce (24) | ciphertext ‖ tag (16)
 * key   = HKDF-SHA256(ikm = x-coordinate of ECDH(ephemeral, recipient) (32 bytes),
 *                     salt = ephemeral pub (33) ‖ recipient pub compressed (33),
 *                     info = "sandrun/ecies/v1/xchacha20poly1305", 32 bytes)
 * AEAD  = XChaCha20-Poly1305(key, nonce), associated data = the 58-byte header
 *         (version ‖ ephemeral pub ‖ nonce), so every byte is authenticated.
 * @module
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/ciphers/utils.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes, isHex, type Hex } from "viem";
import { SandrunError } from "../errors/base.ts";

/**
 * Current format version byte: the first byte of every ciphertext {@link encryptFor}
 * makes, so {@link decryptWith} refuses formats it does not know.
 *
 * @example
 * ```ts
 * import { ECIES_VERSION, encryptFor } from "sandrun/client/proofs/encryption.ts";
 * encryptFor(publicKey, data)[0] === ECIES_VERSION; // true
 * ```
 */
export const ECIES_VERSION = 1;
const INFO = new TextEncoder().encode("sandrun/ecies/v1/xchacha20poly1305");
const HEADER = 1 + 33 + 24;
const TAG = 16;

/**
 * A key that is not a valid secp256k1 public key (33/65 bytes, or 64 without prefix) or
 * private key (32 bytes in range).
 *
 * @example
 * ```ts
 * encryptFor("0x1234", data); // throws EncryptionKeyError
 * ```
 */
export class EncryptionKeyError extends SandrunError {
  override name = "EncryptionKeyError";
  constructor(kind: "public" | "private", reason: string, cause?: unknown) {
    super(`Invalid secp256k1 ${kind} key: ${reason}.`, { cause });
  }
}

/**
 * A ciphertext that was tampered with, truncated, of an unknown version, or encrypted to
 * another key: nothing of it is returned.
 *
 * @example
 * ```ts
 * decryptWith(wrongKey, box); // throws DecryptionFailedError
 * ```
 */
export class DecryptionFailedError extends SandrunError {
  override name = "DecryptionFailedError";
  /** Why, one line. */
  readonly reason: string;
  constructor(reason: string, cause?: unknown) {
    super(`Decryption failed: ${reason}.`, { cause });
    this.reason = reason;
  }
}

function toBytes(key: Hex | Uint8Array): Uint8Array {
  if (key instanceof Uint8Array) return key;
  if (!isHex(key, { strict: true })) throw new TypeError("not hex");
  return hexToBytes(key);
}

/**
 * Normalises a public key to 33-byte compressed form, validating it is on the curve, so
 * one key has one encoding however it was given.
 *
 * @throws {EncryptionKeyError} when the bytes are not a secp256k1 point.
 * @example
 * ```ts
 * import { normalizePublicKey } from "sandrun/client/proofs/encryption.ts";
 * normalizePublicKey(uncompressedKey).length; // 33 (from 65 bytes, 0x04…)
 * ```
 */
export function normalizePublicKey(publicKey: Hex | Uint8Array): Uint8Array {
  try {
    let bytes = toBytes(publicKey);
    if (bytes.length === 64) bytes = Uint8Array.from([0x04, ...bytes]);
    return secp256k1.Point.fromBytes(bytes).toBytes(true);
  } catch (error) {
    throw new EncryptionKeyError("public", "not a point on secp256k1", error);
  }
}

function privateBytes(privateKey: Hex | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = toBytes(privateKey);
  } catch (error) {
    throw new EncryptionKeyError("private", "not 32 bytes of hex", error);
  }
  if (bytes.length !== 32 || !secp256k1.utils.isValidSecretKey(bytes)) {
    throw new EncryptionKeyError("private", "not a valid secret key");
  }
  return bytes;
}

/**
 * The compressed public key of a private key (what a requester publishes for encryption).
 *
 * @example
 * ```ts
 * import { encryptionPublicKey } from "sandrun/client/proofs/encryption.ts";
 * const pub = encryptionPublicKey(account.privateKey); // 33 bytes
 * ```
 */
export function encryptionPublicKey(privateKey: Hex | Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(privateBytes(privateKey), true);
}

function deriveKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const salt = new Uint8Array(66);
  salt.set(ephemeral, 0);
  salt.set(recipient, 33);
  // getSharedSecret returns the compressed point; the x-coordinate is bytes 1..33.
  return hkdf(sha256, shared.subarray(1), salt, INFO, 32);
}

/**
 * Encrypts `plaintext` so only the holder of `recipientPublicKey`'s private key can read it.
 *
 * @param recipientPublicKey 33 (compressed), 65 (0x04…) or 64 bytes; hex or bytes.
 * @throws {EncryptionKeyError}
 * @example
 * ```ts
 * import { encryptFor } from "sandrun/client/proofs/encryption.ts";
 * const box = encryptFor(requesterPublicKey, result.stdout);
 * ```
 */
export function encryptFor(recipientPublicKey: Hex | Uint8Array, plaintext: Uint8Array): Uint8Array {
  const recipient = normalizePublicKey(recipientPublicKey);
  const ephemeralSecret = secp256k1.utils.randomSecretKey();
  const ephemeral = secp256k1.getPublicKey(ephemeralSecret, true);
  const key = deriveKey(secp256k1.getSharedSecret(ephemeralSecret, recipient, true), ephemeral, recipient);
  const header = new Uint8Array(HEADER);
  header[0] = ECIES_VERSION;
  header.set(ephemeral, 1);
  const nonce = randomBytes(24);
  header.set(nonce, 34);
  const sealed = xchacha20poly1305(key, nonce, header).encrypt(plaintext);
  const out = new Uint8Array(HEADER + sealed.length);
  out.set(header, 0);
  out.set(sealed, HEADER);
  return out;
}

/**
 * Decrypts a {@link encryptFor} ciphertext.
 *
 * @throws {DecryptionFailedError} tampered, truncated, wrong key or unknown version.
 * @throws {EncryptionKeyError} an invalid private key.
 * @example
 * ```ts
 * import { decryptWith } from "sandrun/client/proofs/encryption.ts";
 * const output = decryptWith(account.privateKey, box);
 * ```
 */
export function decryptWith(privateKey: Hex | Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const secret = privateBytes(privateKey);
  if (ciphertext.length < HEADER + TAG) throw new DecryptionFailedError("ciphertext too short");
  if (ciphertext[0] !== ECIES_VERSION) {
    throw new DecryptionFailedError(`unsupported format version ${ciphertext[0]}`);
  }
  const header = ciphertext.subarray(0, HEADER);
  const ephemeral = header.subarray(1, 34);
  const nonce = header.subarray(34, HEADER);
  let shared: Uint8Array;
  try {
    shared = secp256k1.getSharedSecret(secret, ephemeral, true);
  } catch (error) {
    throw new DecryptionFailedError("ephemeral key is not on the curve", error);
  }
  const key = deriveKey(shared, ephemeral, secp256k1.getPublicKey(secret, true));
  try {
    return xchacha20poly1305(key, nonce, header).decrypt(ciphertext.subarray(HEADER));
  } catch (error) {
    throw new DecryptionFailedError("authentication failed (tampered, or encrypted to another key)", error);
  }
}
