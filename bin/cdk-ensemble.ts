#!/usr/bin/env node
// Runs a synthesized app locally (cdk-ensemble run --app cdk.out --start orders --input order.json)
// and operates a deployed one (cdk-ensemble trace c-1 --stack FoodDelivery; replay; redrive).
import { runCli } from '../lib/runtime/cli';

runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
