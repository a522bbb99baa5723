# Articles declare their own language; verbose names, help texts and labels are marked for translation.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_updates_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='article',
            options={'ordering': ['-published_at', '-pk'], 'verbose_name': 'article', 'verbose_name_plural': 'articles'},
        ),
        migrations.AlterModelOptions(
            name='articleupdate',
            options={'ordering': ['-published_at', '-pk'], 'verbose_name': 'update', 'verbose_name_plural': 'updates'},
        ),
        migrations.AddField(
            model_name='article',
            name='language',
            field=models.CharField(blank=True, choices=[('en-gb', 'English'), ('de', 'Deutsch'), ('uk', 'Українська')], default='', help_text="The language the article is written in. Empty: the site's language.", max_length=10, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='article',
            name='authors',
            field=models.ManyToManyField(blank=True, help_text='Users in the Authors group; whoever saves it in the admin is added.', limit_choices_to={'groups__name': 'Authors'}, related_name='articles', to=settings.AUTH_USER_MODEL, verbose_name='authors'),
        ),
        migrations.AlterField(
            model_name='article',
            name='body',
            field=models.TextField(help_text='Markdown: headings (##), lists, links, emphasis, quotes.', verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='article',
            name='comment_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='comment count'),
        ),
        migrations.AlterField(
            model_name='article',
            name='comments_close_after_days',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Close comments this many days after publication. Empty: the site's setting (PARLEY_CLOSE_COMMENTS_AFTER_DAYS); 0: never.", null=True, verbose_name='close comments after (days)'),
        ),
        migrations.AlterField(
            model_name='article',
            name='comments_open',
            field=models.BooleanField(default=True, help_text='Untick to close comments now (they can be reopened).', verbose_name='comments open'),
        ),
        migrations.AlterField(
            model_name='article',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='article',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='published at'),
        ),
        migrations.AlterField(
            model_name='article',
            name='slug',
            field=models.SlugField(max_length=200, unique=True, verbose_name='slug'),
        ),
        migrations.AlterField(
            model_name='article',
            name='standfirst',
            field=models.TextField(blank=True, help_text='One or two sentences shown under the title and on the front page.', verbose_name='standfirst'),
        ),
        migrations.AlterField(
            model_name='article',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('scheduled', 'Scheduled'), ('published', 'Published')], default='draft', max_length=16, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='article',
            name='title',
            field=models.CharField(max_length=200, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='article',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='articles.article', verbose_name='article'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='author',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='body',
            field=models.TextField(help_text='Markdown.', verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='corrected_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='corrected at'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='correction_notice_pending',
            field=models.BooleanField(default=False, editable=False, verbose_name='correction notice pending'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='published_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='published at'),
        ),
        migrations.AlterField(
            model_name='articleupdate',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='withdrawn at'),
        ),
    ]
