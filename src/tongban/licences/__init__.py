"""Electronic licences (电子证照): types, issuance, wallet, show-and-verify, revocation, other regions' trust."""
