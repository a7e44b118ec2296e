"""Electronic seals (电子印章): seal registry, keys and certificates under the platform CA, signing, verification."""
