import { expect } from "chai";
import fc from "fast-check";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "viem";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import {
  DecryptionFailedError,
  EncryptionKeyError,
  decryptWith,
  encryptFor,
  encryptionPublicKey,
} from "../../client/proofs/encryption.ts";

const privateKey = generatePrivateKey();
const message = new TextEncoder().encode("the output of job 7: 42\n");

function expectThrow<T extends Error>(fn: () => unknown, type: new (...a: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error("did not throw");
}

describe("ECIES encryption (secp256k1 + HKDF-SHA256 + XChaCha20-Poly1305)", () => {
  it("round-trips to a compressed key and to a viem account's uncompressed key", () => {
    const box = encryptFor(encryptionPublicKey(privateKey), message);
    expect(box[0]).to.equal(1);
    expect(box.length).to.equal(1 + 33 + 24 + message.length + 16);
    expect(decryptWith(privateKey, box)).to.deep.equal(message);
    const account = privateKeyToAccount(privateKey);
    expect(decryptWith(privateKey, encryptFor(account.publicKey, message))).to.deep.equal(message);
  });

  it("uses a fresh ephemeral key and nonce every time", () => {
    const a = encryptFor(encryptionPublicKey(privateKey), message);
    const b = encryptFor(encryptionPublicKey(privateKey), message);
    expect(bytesToHex(a)).to.not.equal(bytesToHex(b));
    expect(bytesToHex(a.subarray(1, 34))).to.not.equal(bytesToHex(b.subarray(1, 34)));
  });

  it("detects tampering with any byte, truncation, a wrong key, and an unknown version", () => {
    const box = encryptFor(encryptionPublicKey(privateKey), message);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: box.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (index, flip) => {
          const bad = box.slice();
          bad[index] = (bad[index] as number) ^ flip;
          expectThrow(() => decryptWith(privateKey, bad), DecryptionFailedError);
        },
      ),
      { numRuns: 200 },
    );
    expectThrow(() => decryptWith(privateKey, box.subarray(0, box.length - 1)), DecryptionFailedError);
    expectThrow(() => decryptWith(privateKey, box.subarray(0, 40)), DecryptionFailedError);
    expectThrow(() => decryptWith(generatePrivateKey(), box), DecryptionFailedError);
    const v2 = box.slice();
    v2[0] = 2;
    expect(expectThrow(() => decryptWith(privateKey, v2), DecryptionFailedError).reason).to.match(
      /version 2/,
    );
  });

  it("round-trips arbitrary payloads", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
        const sk = secp256k1.utils.randomSecretKey();
        expect(decryptWith(sk, encryptFor(secp256k1.getPublicKey(sk, false), data))).to.deep.equal(data);
      }),
      { numRuns: 30 },
    );
  });

  it("refuses invalid keys with a typed error", () => {
    expectThrow(() => encryptFor("0x1234", message), EncryptionKeyError);
    expectThrow(() => encryptFor(new Uint8Array(33), message), EncryptionKeyError);
    expectThrow(() => decryptWith("0x00", new Uint8Array(100)), EncryptionKeyError);
    expectThrow(() => encryptionPublicKey(`0x${"ff".repeat(32)}`), EncryptionKeyError);
  });
});
