"""The certificates domain's services, one module per concern:

- `issuing`: who may be certified (through the readiness engine), issuing, re-certifying, bulk writes;
- `status`: the status computed on read, the status history, revocation, and the recorded suspensions;
- `reads`: what each staff page reads, through the scoping helper;
- `public`: the public verification pages (no sign-in) and their rate limit;
- `facts`: the certified facts (the signed payload) and their fingerprint;
- `keys`: the signing keys and signature checks;
- `documents`: the PDF, its verify address, QR token and file name;
- `openbadges`: the Open Badges 3.0 export (signed OpenBadgeCredential), the issuer profile and keys, and
  the holder's choice of showing their name;
- `status_list`: each certificate's entry in the published Bitstring Status Lists, and those lists.

Services take the acting user, check the policy, raise domain errors, write audit events and flush;
the request (or CLI command) commits.
"""
