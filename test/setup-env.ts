// Unit-test synths skip CDK's built-in template validator (~4 s a synth);
// CI synthesizes the example app with it on and runs cfn-lint on the result.
process.env.CDK_VALIDATION = 'false';
