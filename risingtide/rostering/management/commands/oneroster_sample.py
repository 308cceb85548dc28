"""Write a sample OneRoster 1.2 CSV bundle for a school or an LA, to try an import with.

    risingtide manage oneroster_sample OUT.zip --school URN [--pupils 30] [--leavers 3]
    risingtide manage oneroster_sample OUT.zip --la CODE

The same arguments make the same bundle (stable GUIDs); ``--leavers N`` leaves out each
school's first N pupils, as next term's bundle would.
"""

from django.core.management.base import BaseCommand, CommandError

from risingtide.rostering.sample import Plan, write_sample
from risingtide.schools.models import LocalAuthority, School


class Command(BaseCommand):
    help = "Write a sample OneRoster 1.2 CSV bundle for a school or an LA."

    def add_arguments(self, parser):
        parser.add_argument("out")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", help="the school's URN")
        where.add_argument("--la", help="an LA code")
        parser.add_argument("--pupils", type=int, default=30, help="pupils per school")
        parser.add_argument("--leavers", type=int, default=0)
        parser.add_argument("--year", type=int, default=2026, help="academic year (2026/27)")

    def handle(self, *args, **options):
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).select_related("local_authority")
            schools = list(school)
            if not schools:
                raise CommandError(f"No school has URN {options['school']}.")
            la = schools[0].local_authority
        else:
            la = LocalAuthority.objects.filter(code=options["la"]).first()
            if la is None:
                raise CommandError(f"No local authority has code {options['la']}.")
            schools = list(la.schools.all())
        plan = Plan(
            la_code=la.code,
            schools=tuple((s.urn, s.name) for s in schools),
            pupils=options["pupils"],
            leavers=options["leavers"],
            year=options["year"],
        )
        write_sample(options["out"], plan)
        self.stdout.write(f"Wrote {options['out']} for {len(schools)} school(s).")
