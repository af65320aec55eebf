// The failure converter of every Temporal client and worker (and the workflow bundle): failure
// messages and stack traces travel as an encoded payload, so the payload codec encrypts them too.
// Plain CommonJS: the SDK loads it with require() and webpack bundles it into the workflow code.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
