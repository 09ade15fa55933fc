"""A local, stateful Flashduty Open API for demos and tests: no account, no internet.

It answers the 16 schedule, team, member and person endpoints (plus the legacy
``GET /oncall/roles`` and the unlisted ``POST /schedule/enable`` and ``/schedule/disable``) with
Flashduty's envelope, error codes, permissions and rate limits, checks request bodies against the
vendor's own OpenAPI document and then against the rules it cannot state, keeps its state in
memory (or in a state file that survives restarts), and can inject faults, numbered member ids
apart from person ids, values stored by hand and a lapsed bill::

    from flashcat_pulumi.emulator import Emulator

    with Emulator(member_ids="crossed") as emu:  # the default people: see DEFAULT_PEOPLE
        print(emu.base_url, emu.app_key)  # POST {base_url}/team/list?app_key={app_key}
        emu.faults.script("/schedule/create", "drop_after")  # the next create commits, then drops
        emu.faults.script("/team/upsert", "zero_id_after")  # the next upsert commits, answers team_id 0
        emu.ui.remove_member(team_id, person_id)  # a change made by hand, as in the web console
        emu.ui.edit_schedule_raw(schedule_id, edit)  # a stored value no rule would let in
        emu.ui.lapse_billing()  # every request answers ResourceNotFound until emu.ui.restore_billing()
        print(emu.requests)

From a shell: ``flashcat-pulumi emulator --port 8900`` (or ``python -m flashcat_pulumi emulator``).
"""

from __future__ import annotations

from flashcat_pulumi.emulator.faults import Faults
from flashcat_pulumi.emulator.people import DEFAULT_PEOPLE, SeedPerson, load_seed
from flashcat_pulumi.emulator.server import Emulator, RequestRecord

__all__ = ["DEFAULT_PEOPLE", "Emulator", "Faults", "RequestRecord", "SeedPerson", "load_seed"]
