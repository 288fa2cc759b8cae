/**
 * The package's `gradscript/language-service`: the tsserver plugin (hosts/language-service.ts).
 */
import init from './hosts/language-service';

export = init;
