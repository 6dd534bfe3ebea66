from django.core.management.base import BaseCommand

from boxoffice.staff.services import demo_staff_create


class Command(BaseCommand):
    help = "Create one demo staff user per role (Door, Box office, Organizer); passwords are printed once."

    def handle(self, *args, **options):
        for username, role, password in demo_staff_create():
            shown = password or "(already created earlier; reset it with `manage.py changepassword`)"
            self.stdout.write(f"  {role:<11} user {username:<10} password {shown}")
