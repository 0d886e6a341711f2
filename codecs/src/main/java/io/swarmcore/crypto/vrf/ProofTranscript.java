package io.swarmcore.crypto.vrf;

/**
 * Every intermediate value of one ECVRF_prove run, in the suite's encodings, so that tests can
 * compare them with the RFC 9381 Appendix B vectors. {@code x} is the secret scalar and {@code
 * kString} the nonce hash (edwards25519 only, else null): never log a transcript.
 */
record ProofTranscript(
    byte[] x,
    int ctr,
    byte[] h,
    byte[] kString,
    byte[] k,
    byte[] gamma,
    byte[] u,
    byte[] v,
    byte[] c,
    byte[] s,
    byte[] pi) {}
