// rpcd's `rc` object (openwrt/rpcd rc.c at 4476687): `list` of the init scripts, read through the
// server's system source. `init` (start, stop, enable… a script) is not served: nothing runs
// here. Whether a service runs is known only by running its script, so `running` is left out,
// as rc.c leaves it out with skip_running_check (line 98).
import type { AppContext, ObjectFactory } from '../app.js';
import { ok } from '../dispatch.js';
import type { JsonObject } from '../json.js';
import { initScripts } from '../system/init-scripts.js';
import { systemSourceFor } from '../system/source.js';

export const rcObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);
  return {
    name: 'rc',
    methods: {
      list: (args, ctx) => {
        // rc_list_add_table, lines 87-101: start and stop only when the script sets them
        const out: JsonObject = {};
        const only = typeof args.name === 'string' ? args.name : undefined;
        for (const { name, ...entry } of initScripts(source.view(), only)) out[name] = entry;
        return ok(out);
      },
    },
  };
};
