from boxoffice.urls import urlpatterns as dashboard_patterns
from sandbox.urls import urlpatterns as sandbox_patterns

urlpatterns = sandbox_patterns + dashboard_patterns
