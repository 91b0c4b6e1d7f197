from django.core.management.base import BaseCommand

from diz_portal import search


class Command(BaseCommand):
    help = "Rebuild the site search index from every partner, project, asset, event and page."

    def handle(self, *args, **options):
        search.rebuild(stdout=self.stdout)
