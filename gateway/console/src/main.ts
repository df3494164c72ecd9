// The console's entry point (bundled by ../build.mjs): defines <covenant-console> and its pages.
import './covenant-console';
