"""A tour of flashcat-pulumi's Flashduty client against the built-in emulator (no account needed).

    .venv/bin/python examples/client_tour.py     # after python3 scripts/dev.py demo (or test) made .venv

Starts an emulator with the default seed people, creates a team and a weekly schedule with a
holiday override, prints who is on call, previews a change, shows a retry surviving injected
faults without creating a duplicate, and cleans up.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flashcat_pulumi import FlashdutyClient, ReferenceExist
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer, ScheduleMember, ScheduleUpsertRequest

ZONE = ZoneInfo("Asia/Shanghai")


def group(name: str, person_id: int) -> ScheduleGroup:
    return ScheduleGroup(group_name=name, members=[ScheduleMember(role_id=0, person_ids=[person_id])])


def when(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, ZONE).strftime("%a %m-%d %H:%M")


def main() -> None:
    with Emulator() as emu, FlashdutyClient(base_url=emu.base_url, app_key=emu.app_key) as client:
        print(f"emulator at {emu.base_url}")
        people = {m.email: m for m in client.list_members()}
        names = {m.member_id: m.member_name for m in people.values()}
        alice, bob, carol = (people[f"{n}@example.com"].member_id for n in ("alice", "bob", "carol"))

        team = client.upsert_team({"team_name": "SRE", "description": "Site reliability",
                                   "person_ids": [alice, bob, carol]})
        print(f"team {team.team_name!r} created with id {team.team_id}")

        now = datetime.now(ZONE)
        monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        weekly = ScheduleLayer(layer_name="weekly", mode=0, layer_start=int(monday.timestamp()),
                               rotation_unit="week", rotation_value=1, handoff_time=9 * 3600,
                               groups=[group("A", alice), group("B", bob)])
        holiday_start = int((monday + timedelta(days=9)).timestamp())
        override = ScheduleLayer(layer_name="holiday cover", mode=1, layer_start=holiday_start,
                                 layer_end=holiday_start + 2 * 86400, groups=[group("cover", carol)])
        spec = ScheduleUpsertRequest(schedule_name="SRE primary", description="Weekly, Monday 09:00 hand-off",
                              team_id=team.team_id, layers=[weekly, override])
        schedule_id = client.create_schedule(spec)

        stored = client.get_schedule(schedule_id, start=int(time.time()), end=int(time.time()) + 21 * 86400)
        print(f"schedule {stored.schedule_name!r} ({schedule_id}); the next three weeks:")
        for shift in stored.final_schedule.schedules if stored.final_schedule else []:
            who = ", ".join(names[p] for p in shift.group.person_ids)
            print(f"  {when(shift.start)} -> {when(shift.end)}  {who}")
        if stored.cur_oncall:
            print(f"on call now: {', '.join(names[p] for p in stored.cur_oncall.group.person_ids)}")

        draft = spec.model_copy(update={"layers": [weekly.model_copy(update={"rotation_value": 2}), override]})
        preview = client.preview_schedule(draft, start=int(time.time()), end=int(time.time()) + 28 * 86400)
        shifts = preview.final_schedule.schedules if preview.final_schedule else []
        print(f"preview of a two-week rotation: {len(shifts)} shifts in four weeks, nothing saved")

        emu.faults.script("/schedule/create", "drop_after")
        second = client.create_schedule(ScheduleUpsertRequest(schedule_name="SRE secondary", layers=[weekly]))
        copies = [s for s in emu.schedules() if s["schedule_name"] == "SRE secondary"]
        print(f"create survived a lost reply: id {second}, {len(copies)} copy on the server")

        try:
            client.delete_team(team_id=team.team_id)
        except ReferenceExist as error:
            print(f"deleting the team is refused: {error}")
        client.delete_schedules([schedule_id, second])
        client.delete_team(team_id=team.team_id)
        print(f"cleaned up; {len(emu.requests)} API calls in all")


if __name__ == "__main__":
    main()
