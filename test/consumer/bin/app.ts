import { App } from 'aws-cdk-lib';
import { buildShop } from '../lib/app';

buildShop(new App());
