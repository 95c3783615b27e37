// A second verifier of the Open Badges exports, for the tests: Digital Bazaar's Verifiable Credentials
// libraries (the ones behind the W3C VC playground and the DCC wallet), eddsa-rdfc-2022, in JSON-LD safe
// mode. Offline: every document the verification needs (contexts, the key, the issuer profile) comes on
// standard input as {"documents": {address: document}, "credentials": [...]}; anything else is refused.
// Prints [{"verified": bool, "error": string|null}] in the order of the credentials.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const {documents, credentials} = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const documentLoader = async url => {
  const document = documents[url];
  if(document === undefined) {
    throw new Error(`not available offline: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
};
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
// The tests read the status from the published status list themselves; here: the proof, and that the
// key belongs to the issuer (its controller document lists it as an assertion method).
const checkStatus = async () => ({verified: true});

const results = [];
for(const credential of credentials) {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const errors = [result.error, ...(result.error?.errors ?? []), ...(result.results ?? []).map(r => r.error)];
  const message = errors.filter(Boolean).map(e => e.message).join('; ');
  results.push({verified: result.verified, error: result.verified ? null : message || 'not verified'});
}
process.stdout.write(JSON.stringify(results));
